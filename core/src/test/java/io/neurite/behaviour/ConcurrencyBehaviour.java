package io.neurite.behaviour;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurite.conformance.BackendConformance;
import io.neurite.data.Dataset;
import io.neurite.device.Buffer;
import io.neurite.device.DType;
import io.neurite.device.Device;
import io.neurite.device.DeviceException;
import io.neurite.device.Op;
import io.neurite.nn.Dense;
import io.neurite.nn.Input;
import io.neurite.nn.Model;
import io.neurite.nn.Parameter;
import io.neurite.nn.Sequential;
import io.neurite.optim.Adam;
import io.neurite.train.FitOptions;
import io.neurite.train.Loss;
import io.neurite.train.Trainer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Several threads on one device: models trained at once end bit-identical to the same models
 * trained one after another, and a device closed while another thread uses it fails that thread
 * with a DeviceException saying so (no crash, no hang).
 */
public abstract class ConcurrencyBehaviour extends DeviceSuite {
    private static final int MODELS = 3, FEATURES = 12, CLASSES = 3;

    /** Separable synthetic data, different for each model k. */
    private static Dataset data(int k) {
        SplittableRandom r = new SplittableRandom(100 + k);
        int n = 96;
        float[] x = new float[n * FEATURES];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            float best = -Float.MAX_VALUE;
            for (int j = 0; j < FEATURES; j++) {
                x[i * FEATURES + j] = (float) r.nextDouble(-1, 1);
                if (j < CLASSES && x[i * FEATURES + j] > best) {
                    best = x[i * FEATURES + j];
                    y[i] = j;
                }
            }
        }
        return Dataset.ofLabels(x, new int[] {FEATURES}, y);
    }

    /** Trains model k for two epochs and returns every weight's bits. */
    private int[] train(int k) {
        try (Model m = new Sequential(Input.of(FEATURES), new Dense(16).activation("relu"), new Dense(CLASSES)).build(device, 10 + k);
             Adam adam = new Adam(1e-2f)) {
            new Trainer(m, adam, Loss.sparseCategoricalCrossentropy().fromLogits()).output(quiet())
                    .fit(data(k), new FitOptions().batchSize(16).epochs(2).seed(k));
            List<Integer> bits = new ArrayList<>();
            for (Parameter p : m.parameters()) for (float v : p.value().toFloatArray()) bits.add(Float.floatToRawIntBits(v));
            return bits.stream().mapToInt(Integer::intValue).toArray();
        }
    }

    @Test
    void modelsTrainedAtOnceMatchThoseTrainedOneAfterAnother() throws Exception {
        int[][] serial = new int[MODELS][];
        for (int k = 0; k < MODELS; k++) serial[k] = train(k);
        ExecutorService pool = Executors.newFixedThreadPool(MODELS);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<int[]>> runs = new ArrayList<>();
            for (int k = 0; k < MODELS; k++) {
                int model = k;
                runs.add(pool.submit(() -> {
                    start.await();
                    return train(model);
                }));
            }
            start.countDown();
            for (int k = 0; k < MODELS; k++) {
                assertArrayEquals(serial[k], runs.get(k).get(120, TimeUnit.SECONDS), "model " + k + " trained beside the others");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Closes the device at a moment another thread is inside an op or a copy (it waits until it
     * sees one), so the race this guards is hit every run: close must wait for that call, which
     * then completes with the right result, and the thread's next call fails saying the device is
     * closed; no native error, crash or hang.
     */
    @Test
    void aDeviceClosedWhileAnotherThreadUsesItFailsThatThreadCleanly() throws Exception {
        Device other = BackendConformance.openOrSkip(deviceId()); // a second handle, so the suite's device stays open
        AtomicReference<Throwable> failure = new AtomicReference<>();
        java.util.concurrent.atomic.AtomicInteger completed = new java.util.concurrent.atomic.AtomicInteger();
        CountDownLatch running = new CountDownLatch(1);
        int n = 128;
        Thread user = new Thread(() -> {
            float[] ones = new float[n * n];
            java.util.Arrays.fill(ones, 1f);
            try {
                while (true) {
                    try (Buffer a = other.upload(ones); Buffer c = other.allocate(DType.FLOAT32, (long) n * n)) {
                        other.ops().gemm(false, false, n, n, n, 1f, a, a, 0f, c);
                        float[] back = c.toFloatArray();
                        assertEquals(n, back[back.length - 1], "a product finished beside close");
                    }
                    completed.incrementAndGet();
                    running.countDown();
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "device-user");
        user.start();
        assertTrue(running.await(60, TimeUnit.SECONDS), "the other thread got going");
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        boolean sawCall = false;
        while (!sawCall && System.nanoTime() < until) sawCall = other.callsInProgress() > 0;
        other.close();
        assertEquals(0, other.callsInProgress(), "close returned with a call still running");
        user.join(TimeUnit.SECONDS.toMillis(60));
        assertTrue(!user.isAlive(), "the thread using the closed device ended");
        assertTrue(sawCall, "closed while a call was in flight");
        Throwable t = failure.get();
        assertNotNull(t);
        assertInstanceOf(DeviceException.class, t, String.valueOf(t));
        assertTrue(t.getMessage().contains("is closed") && t.getMessage().contains(deviceId()), t.getMessage());
        assertTrue(completed.get() > 0);
    }
}
