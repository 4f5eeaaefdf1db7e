package io.neurite.kernels.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurite.conformance.BackendConformance;
import io.neurite.data.Dataset;
import io.neurite.nn.Conv2d;
import io.neurite.nn.Dense;
import io.neurite.nn.Flatten;
import io.neurite.nn.Input;
import io.neurite.nn.MaxPooling2d;
import io.neurite.nn.Model;
import io.neurite.nn.Sequential;
import io.neurite.optim.Adam;
import io.neurite.train.FitOptions;
import io.neurite.train.Loss;
import io.neurite.train.Trainer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The caching allocator in a real training loop (a small CNN with Adam): once the first epoch has
 * run, later epochs reach the driver's allocator not at all, which on a GPU means no cuMemAlloc or
 * cuMemFree (each of which synchronises the whole device) and on OpenCL no clCreateBuffer per step.
 * Each GPU backend's tests extend it with the device to check.
 */
public abstract class GpuSteadyStateContract {
    /** The id of a device of a GPU backend (a {@link GpuDevice}). */
    protected abstract String deviceId();

    @Test
    void afterTheFirstEpochTrainingAllocatesNothingFromTheDriver() {
        try (GpuDevice d = (GpuDevice) BackendConformance.openOrSkip(deviceId());
             Model m = new Sequential(Input.of(1, 12, 12), new Conv2d(4, 3).activation("relu"), new MaxPooling2d(2),
                     new Flatten(), new Dense(10).activation("tanh"), new Dense(3)).build(d, 3);
             Adam adam = new Adam(0.01f)) {
            Trainer t = new Trainer(m, adam, Loss.sparseCategoricalCrossentropy().fromLogits()).output(new PrintStream(new ByteArrayOutputStream()));
            Dataset data = data();
            t.fit(data, new FitOptions().batchSize(16).epochs(1).seed(5));
            long warm = d.driverAllocations();
            assertTrue(warm > 0);
            t.fit(data, new FitOptions().batchSize(16).epochs(2).seed(6));
            assertEquals(warm, d.driverAllocations(), "driver allocations after the first epoch");
        }
    }

    private static Dataset data() {
        SplittableRandom r = new SplittableRandom(3);
        int n = 64;
        float[] x = new float[n * 144];
        int[] y = new int[n];
        for (int s = 0; s < n; s++) {
            y[s] = r.nextInt(3);
            for (int i = 0; i < 144; i++) x[s * 144 + i] = (float) r.nextDouble() + (i % 3 == y[s] ? 0.5f : 0);
        }
        return Dataset.ofLabels(x, new int[] {1, 12, 12}, y);
    }
}
