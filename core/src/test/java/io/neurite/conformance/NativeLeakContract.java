package io.neurite.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurite.data.Dataset;
import io.neurite.device.Buffer;
import io.neurite.device.DType;
import io.neurite.device.Device;
import io.neurite.device.LeakTracker;
import io.neurite.nn.Dense;
import io.neurite.nn.Flatten;
import io.neurite.nn.Input;
import io.neurite.nn.Model;
import io.neurite.nn.Sequential;
import io.neurite.optim.Adam;
import io.neurite.train.FitOptions;
import io.neurite.train.Loss;
import io.neurite.train.Trainer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * No native leaks: allocate/free cycles and training steps on a device, with the leak switch on
 * (the build's {@code -Dneurite.leakCheck=true}), leave the process's resident memory (RSS from
 * /proc/self/status), the heap after a GC, the device's live buffers and, on GPU backends, its
 * driver allocations where they were after a warm-up. The buffers are large enough (up to 1 MiB)
 * that a leak of one per cycle or a few per step would pass the bound many times over. Each backend's
 * tests extend it with its device, as {@link BackendConformance}. CI runs 2,000 cycles and 200
 * steps; {@code -Dneurite.leak.long=true} runs 10,000 and 1,000.
 */
public abstract class NativeLeakContract {
    private static final boolean LONG = Boolean.getBoolean("neurite.leak.long");
    private static final int CYCLES = LONG ? 10_000 : 2_000, STEPS = LONG ? 1_000 : 200;
    /**
     * Allowed growth after warm-up. cpu:0 shows up to about 40 MiB of RSS over 8,000 cycles of
     * random sizes (malloc keeping freed memory, JIT code); one leaked buffer a cycle would be
     * about 1 GiB, one leaked activation a step about 100 MiB.
     */
    private static final long RSS_BOUND = 64L << 20, HEAP_BOUND = 16L << 20;
    /** Steps over which each end's RSS floor is taken (see {@link #rssFloor}). */
    private static final int FLOOR_SAMPLES = 10;

    /** The id of the device under test, e.g. {@code "opencl:0"}. */
    protected abstract String deviceId();

    @Test
    void allocateFreeCyclesLeaveMemoryFlat() {
        try (Device d = BackendConformance.openOrSkip(deviceId())) {
            SplittableRandom r = new SplittableRandom(1);
            float[] data = new float[1 << 18];
            Runnable cycle = () -> {
                int n = 1 << (4 + r.nextInt(15));   // 16 to 256 Ki floats: 64 B to 1 MiB
                try (Buffer a = d.allocate(DType.FLOAT32, n); Buffer b = d.upload(new float[] {1, 2, 3})) {
                    a.copyFrom(data, 0, 0, Math.min(n, 1024));
                    if (a.get(1) != 0 || b.get(2) != 3) throw new AssertionError("buffer contents");
                }
            };
            measure(d, "alloc/free cycles", CYCLES, cycle);
        }
    }

    @Test
    void trainingStepsLeaveMemoryFlat() {
        try (Device d = BackendConformance.openOrSkip(deviceId());
             Model m = new Sequential(Input.of(1, 16, 16), new Flatten(), new Dense(256).activation("relu"), new Dense(10)).build(d, 2);
             Adam adam = new Adam(1e-3f)) {
            Trainer t = new Trainer(m, adam, Loss.sparseCategoricalCrossentropy().fromLogits()).output(new PrintStream(new ByteArrayOutputStream()));
            Dataset data = data(64);
            int[] epoch = {0};
            // One fit of one epoch is one step (batch 64 of 64 samples).
            measure(d, "training steps", STEPS, () -> t.fit(data, new FitOptions().batchSize(64).epochs(++epoch[0]).initialEpoch(epoch[0] - 1).verbose(0)));
        }
    }

    /** Runs count/5 warm-up iterations, measures, runs the rest, measures again, prints and checks the growth. */
    private void measure(Device d, String what, int count, Runnable step) {
        LeakTracker.clear();
        int warm = count / 5;
        for (int i = 0; i < warm; i++) step.run();
        long live = d.liveBuffers();   // after warm-up: the optimiser's state is allocated on its first step
        long rss0 = rssFloor(step), heap0 = heapAfterGc(), driver0 = driverAllocations(d);
        for (int i = warm; i < count; i++) step.run();
        long rss1 = rssFloor(step), heap1 = heapAfterGc(), driver1 = driverAllocations(d);
        System.out.printf("native leaks %s: %d %s (%d warm-up): RSS %d -> %d KiB (%+d), heap %d -> %d KiB (%+d), driver allocations %s%n",
                deviceId(), count, what, warm, rss0 >> 10, rss1 >> 10, (rss1 - rss0) >> 10, heap0 >> 10, heap1 >> 10, (heap1 - heap0) >> 10,
                driver0 < 0 ? "n/a" : driver0 + " -> " + driver1);
        assertEquals(live, d.liveBuffers(), "buffers left open on " + deviceId());
        assertTrue(LeakTracker.leaks().isEmpty(), () -> "buffers garbage-collected without close(): " + LeakTracker.leaks());
        assertTrue(rss1 - rss0 < RSS_BOUND, () -> "RSS grew " + ((rss1 - rss0) >> 10) + " KiB over " + (count - warm) + " " + what);
        assertTrue(heap1 - heap0 < HEAP_BOUND, () -> "the heap grew " + ((heap1 - heap0) >> 10) + " KiB over " + (count - warm) + " " + what);
        assertEquals(driver0, driver1, "driver allocations after warm-up on " + deviceId());
    }

    private static Dataset data(int n) {
        SplittableRandom r = new SplittableRandom(3);
        float[] x = new float[n * 256];
        int[] y = new int[n];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble();
        for (int i = 0; i < n; i++) y[i] = r.nextInt(10);
        return Dataset.ofLabels(x, new int[] {1, 16, 16}, y);
    }

    /** GpuDevice.driverAllocations() where the device has it (the caching allocator's count), else -1. */
    private static long driverAllocations(Device d) {
        try {
            return (long) d.getClass().getMethod("driverAllocations").invoke(d);
        } catch (ReflectiveOperationException e) {
            return -1;
        }
    }

    /** The heap in use after a full GC; also lets the leak tracker's cleaner report collected buffers. */
    private static long heapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /**
     * The lowest RSS over {@value #FLOOR_SAMPLES} more steps. With PoCL's threads one sample swings by
     * 30-80 MiB between consecutive steps (malloc arenas trimmed and refilled), more than a leak this
     * test must see; a leak raises the floor as well as the peaks.
     */
    private static long rssFloor(Runnable step) {
        long floor = Long.MAX_VALUE;
        for (int i = 0; i < FLOOR_SAMPLES; i++) {
            step.run();
            floor = Math.min(floor, settledRss());
        }
        return floor;
    }

    /** VmRSS of /proc/self/status in bytes (0 where there is none: then only the heap and counts are checked). */
    private static long settledRss() {
        heapAfterGc();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) << 10;
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }
}
