package io.neurite.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurite.behaviour.CheckpointFixtures;
import io.neurite.device.Buffer;
import io.neurite.device.DType;
import io.neurite.device.Device;
import io.neurite.kernels.gpu.GpuDevice;
import io.neurite.nn.Model;
import io.neurite.optim.Adam;
import io.neurite.optim.LearningRateSchedule;
import io.neurite.optim.Optimizer;
import io.neurite.train.Callback;
import io.neurite.train.FitOptions;
import io.neurite.train.Loss;
import io.neurite.train.Trainer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * CUDA graphs on the emulated driver, which records a captured step's launches (kernel, grid,
 * argument values, memory by handle) and replays them: training with graphs gives bit for bit the
 * weights of plain launches, while the learning rate decays every step and is changed at an
 * epoch's start (values that reach the kernels through the step table), each epoch ends with a
 * smaller batch, and a second fit changes the batch size (shapes the graph does not have).
 */
class EmulatedGraphsTest {
    /** 100 full batches of 8 and a last one of 5. */
    private static final int SAMPLES = 100 * 8 + 5;

    @Test
    void replayedStepsGiveTheWeightsOfPlainLaunchesBitForBit() {
        TrainedWith graphs = train(true), plain = train(false);
        assertArrayEquals(CheckpointFixtures.bits(plain.weights), CheckpointFixtures.bits(graphs.weights),
                "weights after " + graphs.steps + " steps with graphs (" + graphs.status + ") against plain launches");
        assertEquals(plain.steps, graphs.steps);
        assertEquals(2 * 101 + 51, graphs.steps);
        // Plain: the device's first step and each epoch's last, smaller, batch; every other step is a graph launch.
        assertTrue(graphs.launches >= graphs.steps - 6, graphs.launches + " of " + graphs.steps + " steps replayed: " + graphs.status);
        assertTrue(graphs.captures >= 3, "a capture per shape and after each fallback: " + graphs.status);
        assertTrue(graphs.status.contains("last fallback: operation 1 differs from the graph's"), "the last smaller batch: " + graphs.status);
        assertEquals(0, plain.launches, "-Dneurite.cuda.graphs=false launches no graph");
        assertTrue(plain.description.contains("CUDA graphs: off (-Dneurite.cuda.graphs=false)"), plain.description);
        assertTrue(graphs.description.contains("CUDA graphs: on"), graphs.description);
    }

    private record TrainedWith(float[] weights, long steps, long launches, int captures, String status, String description) {
    }

    /**
     * Two threads' steps overlapping on one device (models trained at once): a step that began while
     * another thread's was open used to wipe the launches that step had held back for its graph, so
     * they never ran. Now what was held back runs at once, in queue order, and the device records
     * no more graphs.
     */
    @Test
    void overlappingStepsOfTwoThreadsRunEveryLaunch() throws Exception {
        int n = 4;
        float[] ones = new float[n * n];
        java.util.Arrays.fill(ones, 1f);
        ExecutorService a = Executors.newSingleThreadExecutor(), b = Executors.newSingleThreadExecutor();
        try (Device device = open(true); Buffer x = device.upload(ones); Buffer ya = device.allocate(DType.FLOAT32, n * n);
             Buffer yb = device.allocate(DType.FLOAT32, n * n)) {
            Runnable product = () -> device.ops().gemm(false, false, n, n, n, 1f, x, x, 0f, ya);
            for (int step = 0; step < 3; step++) { // plain, captured, replayed
                on(a, () -> {
                    device.beginStep();
                    product.run();
                    device.endStep();
                });
            }
            assertTrue(((GpuDevice) device).graphLaunches() >= 2, ((GpuDevice) device).graphStatus());
            on(a, () -> ya.copyFrom(new float[n * n]));
            on(a, () -> {
                device.beginStep();
                product.run(); // held back for the graph
            });
            on(b, () -> {
                device.beginStep();
                device.ops().gemm(false, false, n, n, n, 2f, x, x, 0f, yb);
                device.endStep();
            });
            on(a, device::endStep);
            float[] expectA = new float[n * n], expectB = new float[n * n];
            java.util.Arrays.fill(expectA, n);
            java.util.Arrays.fill(expectB, 2 * n);
            assertArrayEquals(expectA, ya.toFloatArray(), "the step held back by the first thread ran");
            assertArrayEquals(expectB, yb.toFloatArray(), "the second thread's step ran");
            assertTrue(device.description().contains("CUDA graphs: off (training steps from two threads at once)"), device.description());
        } finally {
            a.shutdownNow();
            b.shutdownNow();
        }
    }

    private static void on(ExecutorService thread, Runnable r) throws Exception {
        thread.submit(r).get(60, TimeUnit.SECONDS);
    }

    private static Device open(boolean graphs) {
        EmulatedCudaProvider provider = new EmulatedCudaProvider();
        Assumptions.assumeTrue(provider.probe().available(), () -> "cudaemu: " + provider.probe().reason());
        String before = System.getProperty(CudaProvider.GRAPHS);
        System.setProperty(CudaProvider.GRAPHS, Boolean.toString(graphs));
        try {
            return provider.open(0);
        } finally {
            if (before == null) System.clearProperty(CudaProvider.GRAPHS);
            else System.setProperty(CudaProvider.GRAPHS, before);
        }
    }

    private static TrainedWith train(boolean graphs) {
        Device device = open(graphs);
        try (device; Model m = CheckpointFixtures.convNet().build(device, 21);
             Optimizer o = new Adam(2e-3f).schedule(LearningRateSchedule.exponentialDecay(50, 0.9f, false))) {
            Trainer t = new Trainer(m, o, Loss.sparseCategoricalCrossentropy().fromLogits()).output(new PrintStream(new ByteArrayOutputStream()));
            Callback halve = new Callback() {
                @Override
                public void onEpochBegin(Trainer trainer, int epoch) {
                    if (epoch == 1) trainer.optimizer().setLearningRate(1e-3f);
                }
            };
            t.fit(CheckpointFixtures.patterns(SAMPLES, 22), new FitOptions().batchSize(8).epochs(2).seed(5).verbose(0).callbacks(halve));
            t.fit(CheckpointFixtures.patterns(SAMPLES, 23), new FitOptions().batchSize(16).epochs(1).seed(6).verbose(0));
            GpuDevice gpu = (GpuDevice) device;
            String status = gpu.graphStatus();
            int captures = Integer.parseInt(status.substring(0, status.indexOf(' ')));
            return new TrainedWith(CheckpointFixtures.weights(m), o.iterations(), gpu.graphLaunches(), captures, status, device.description());
        }
    }
}
