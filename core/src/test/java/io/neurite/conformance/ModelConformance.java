package io.neurite.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurite.data.Dataset;
import io.neurite.device.Device;
import io.neurite.device.Devices;
import io.neurite.nn.Conv2d;
import io.neurite.nn.Dense;
import io.neurite.nn.Flatten;
import io.neurite.nn.Input;
import io.neurite.nn.MaxPooling2d;
import io.neurite.nn.Model;
import io.neurite.nn.Sequential;
import io.neurite.optim.Adam;
import io.neurite.train.FitOptions;
import io.neurite.train.History;
import io.neurite.train.Loss;
import io.neurite.train.Trainer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Model-level conformance: the same small CNN, seed and batches trained on the device under test
 * and on the CPU oracle must give the same loss curve and weights within a tolerance that allows
 * for float32 summation order (a few steps of Adam amplify last-bit differences only slightly).
 */
public abstract class ModelConformance {
    protected abstract String deviceId();

    @Test
    void aSmallCnnTrainsLikeOnTheCpu() {
        Device device = BackendConformance.openOrSkip(deviceId());
        try (device; Device cpu = Devices.get("cpu:0")) {
            Run onDevice = train(device), onCpu = train(cpu);
            for (int e = 0; e < onCpu.losses.size(); e++) {
                assertEquals(onCpu.losses.get(e), onDevice.losses.get(e), 1e-3 * Math.max(1, onCpu.losses.get(e)),
                        "epoch " + e + " loss on " + deviceId() + " vs cpu:0");
            }
            double worst = 0;
            for (int i = 0; i < onCpu.weights.length; i++) worst = Math.max(worst, Math.abs(onCpu.weights[i] - onDevice.weights[i]));
            assertTrue(worst < 1e-3, "largest weight difference after training: " + worst);
            assertEquals(0, device.liveBuffers(), "buffers left open on " + deviceId());
        }
    }

    private record Run(List<Double> losses, float[] weights) {
    }

    private static Run train(Device d) {
        try (Model m = new Sequential(Input.of(2, 9, 9), new Conv2d(4, 3).padding("same").activation("relu"), new MaxPooling2d(2),
                new Conv2d(6, 2, 3).activation("tanh"), new Flatten(), new Dense(8).activation("sigmoid"), new Dense(3)).build(d, 7);
             Adam adam = new Adam(0.01f)) {
            Trainer t = new Trainer(m, adam, Loss.sparseCategoricalCrossentropy().fromLogits()).output(new PrintStream(new ByteArrayOutputStream()));
            History h = t.fit(data(), new FitOptions().batchSize(16).epochs(3).seed(5));
            return new Run(h.get("loss"), m.parameters().get(2).value().toFloatArray());
        }
    }

    private static Dataset data() {
        SplittableRandom r = new SplittableRandom(13);
        int n = 96;
        float[] x = new float[n * 2 * 81];
        int[] y = new int[n];
        for (int s = 0; s < n; s++) {
            y[s] = r.nextInt(3);
            for (int i = 0; i < 162; i++) x[s * 162 + i] = (float) r.nextDouble() + (i % 3 == y[s] ? 0.5f : 0);
        }
        return Dataset.ofLabels(x, new int[] {2, 9, 9}, y);
    }
}
