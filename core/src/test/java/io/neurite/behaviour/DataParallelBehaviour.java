package io.neurite.behaviour;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurite.checkpoint.Checkpoint;
import io.neurite.checkpoint.TrainingState;
import io.neurite.conformance.BackendConformance;
import io.neurite.data.Dataset;
import io.neurite.device.Device;
import io.neurite.distributed.DataParallel;
import io.neurite.nn.BatchNormalization;
import io.neurite.nn.Conv2d;
import io.neurite.nn.Dense;
import io.neurite.nn.Dropout;
import io.neurite.nn.Flatten;
import io.neurite.nn.Input;
import io.neurite.nn.MaxPooling2d;
import io.neurite.nn.Model;
import io.neurite.nn.Parameter;
import io.neurite.nn.Sequential;
import io.neurite.optim.Optimizer;
import io.neurite.optim.SGD;
import io.neurite.train.FitOptions;
import io.neurite.train.Loss;
import io.neurite.train.Trainer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data-parallel training ({@link DataParallel}) on a backend's device set, held to one-device
 * training with the same global batch. A backend's test names the devices:
 *
 * <pre>{@code
 * class CpuDataParallelTest extends DataParallelBehaviour {
 *     @Override protected List<String> deviceIds() { return List.of("cpu:0", "cpu:0"); }
 * }
 * }</pre>
 */
public abstract class DataParallelBehaviour {
    /** Float tolerance on weights after a few SGD steps: summation order differs between one batch and its cut. */
    static final float TOLERANCE = 2e-5f;
    private final List<Device> open = new ArrayList<>();

    /** The device set, rank 0 first; one id twice is two devices. */
    protected abstract List<String> deviceIds();

    private List<Device> devices() {
        List<Device> d = new ArrayList<>();
        for (String id : deviceIds()) d.add(BackendConformance.openOrSkip(id));
        open.addAll(d);
        return d;
    }

    @AfterEach
    void closeDevices() {
        for (Device d : open) {
            long live = d.liveBuffers();
            d.close();
            assertEquals(0, live, "every buffer closed on " + d.id());
        }
        open.clear();
    }

    static Dataset data() {
        SplittableRandom r = new SplittableRandom(7);
        int n = 96;
        float[] x = new float[n * 64];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = r.nextInt(3);
            for (int j = 0; j < 64; j++) x[i * 64 + j] = (float) r.nextDouble() * 0.5f + (j % 3 == y[i] ? 0.5f : 0);
        }
        return Dataset.ofLabels(x, new int[] {1, 8, 8}, y);
    }

    static Model cnn(Device d, boolean normAndDropout) {
        Sequential s = normAndDropout
                ? new Sequential(Input.of(1, 8, 8), new Conv2d(4, 3).activation("relu"), new BatchNormalization(), new MaxPooling2d(2),
                        new Flatten(), new Dense(16).activation("relu"), new Dropout(0.3f), new Dense(3))
                : new Sequential(Input.of(1, 8, 8), new Conv2d(4, 3).activation("relu"), new MaxPooling2d(2), new Flatten(),
                        new Dense(16).activation("relu"), new Dense(3));
        return s.build(d, 42);
    }

    static Loss loss() {
        return Loss.sparseCategoricalCrossentropy().fromLogits();
    }

    static FitOptions options(int epochs) {
        return new FitOptions().batchSize(32).epochs(epochs).seed(3).verbose(0);
    }

    /** Every parameter's values, in order (also for the Spark trainer's tests). */
    public static float[][] weights(Model m) {
        List<Parameter> ps = m.parameters();
        float[][] w = new float[ps.size()][];
        for (int i = 0; i < w.length; i++) w[i] = ps.get(i).value().toFloatArray();
        return w;
    }

    /** The largest absolute difference between two models' {@link #weights}. */
    public static float maxDifference(float[][] a, float[][] b) {
        float max = 0;
        for (int i = 0; i < a.length; i++) for (int j = 0; j < a[i].length; j++) max = Math.max(max, Math.abs(a[i][j] - b[i][j]));
        return max;
    }

    /** Trains on the device set (configured by setup) and returns rank 0's weights; every replica must hold the same. */
    float[][] parallel(List<Device> devices, boolean normAndDropout, int epochs, Consumer<DataParallel> setup) {
        try (Model m = cnn(devices.getFirst(), normAndDropout); Optimizer opt = new SGD(0.05f, 0.9f, false);
             DataParallel dp = new DataParallel(m, opt, loss(), devices)) {
            setup.accept(dp);
            dp.fit(data(), options(epochs));
            float[][] w = weights(m);
            for (Model replica : dp.replicas()) {
                float[][] rw = weights(replica);
                for (int i = 0; i < w.length; i++) assertArrayEquals(w[i], rw[i], "replica on " + replica.device().id() + " holds rank 0's weights");
            }
            return w;
        }
    }

    static float[][] single(Device d, int epochs) {
        try (Model m = cnn(d, false); Optimizer opt = new SGD(0.05f, 0.9f, false)) {
            new Trainer(m, opt, loss()).fit(data(), options(epochs));
            return weights(m);
        }
    }

    @Test
    void matchesOneDeviceWithTheSameGlobalBatch() {
        List<Device> devices = devices();
        float[][] dp = parallel(devices, false, 2, p -> { });
        float[][] one = single(devices.getFirst(), 2);
        float diff = maxDifference(dp, one);
        System.out.printf("data-parallel %s against one %s: max weight difference %.3g%n", deviceIds(), deviceIds().getFirst(), diff);
        assertTrue(diff < TOLERANCE, "max weight difference " + diff + " against one device");
        assertTrue(maxDifference(one, weights0(devices.getFirst())) > 100 * TOLERANCE, "training moved the weights");
    }

    private static float[][] weights0(Device d) {
        try (Model m = cnn(d, false)) {
            return weights(m);
        }
    }

    @Test
    void bitForBitAcrossRunsOfOneDeviceSet() {
        List<Device> devices = devices();
        double[] uneven = new double[devices.size()];
        for (int i = 0; i < uneven.length; i++) uneven[i] = i + 2;
        float[][] a = parallel(devices, true, 1, p -> p.shares(uneven)), b = parallel(devices, true, 1, p -> p.shares(uneven));
        for (int i = 0; i < a.length; i++) assertArrayEquals(a[i], b[i], "parameter " + i);
    }

    @Test
    void batchNormAndDropoutTrainWithReplicasInStep() {
        List<Device> devices = devices();
        float[][] w = parallel(devices, true, 1, p -> { });
        for (float[] p : w) for (float v : p) assertTrue(Float.isFinite(v));
    }

    @Test
    void aCheckpointOfOneCopyResumesOnAnotherDeviceSet(@TempDir Path dir) throws Exception {
        List<Device> devices = devices();
        float[][] straight = parallel(devices, false, 2, p -> { });
        try (Model m = cnn(devices.getFirst(), false); Optimizer opt = new SGD(0.05f, 0.9f, false);
             DataParallel dp = new DataParallel(m, opt, loss(), devices)) {
            dp.fit(data(), options(1));
            Checkpoint.save(dir, m, opt, new TrainingState(1, 3, 32, true, null, Double.NaN, Map.of()));
        }
        // Resume on one device: the last of the set.
        Device last = devices.getLast();
        try (Model m = Checkpoint.readModel(dir).build(last, 0); Optimizer opt = new SGD(0.05f, 0.9f, false)) {
            TrainingState s = Checkpoint.restore(dir, m, opt);
            new Trainer(m, opt, loss()).fit(data(), s.applyTo(options(2)));
            float diff = maxDifference(straight, weights(m));
            assertTrue(diff < TOLERANCE, "resumed on " + last.id() + ": max weight difference " + diff);
        }
    }
}
