package io.neurite.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurite.conformance.BackendConformance;
import io.neurite.data.Dataset;
import io.neurite.device.Devices;
import io.neurite.nn.Conv2d;
import io.neurite.nn.Dense;
import io.neurite.nn.Flatten;
import io.neurite.nn.Input;
import io.neurite.nn.MaxPool2d;
import io.neurite.nn.Model;
import io.neurite.nn.Sequential;
import io.neurite.optim.Adam;
import io.neurite.train.FitOptions;
import io.neurite.train.Loss;
import io.neurite.train.Trainer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The caching allocator in a real training loop (a small CNN with Adam, on the emulated device):
 * once the first epoch has run, later epochs reach the driver's allocator not at all, which on a
 * GPU means no cuMemAlloc or cuMemFree (each of which synchronises the whole device) per step.
 */
class EmulatedSteadyStateTest {
    /** Counts the driver allocations that get through; everything else is delegated. */
    private record Counting(GpuDriver d, AtomicInteger allocations) implements GpuDriver {
        @Override
        public DeviceMemory tryAllocate(long bytes) {
            allocations.incrementAndGet();
            return d.tryAllocate(bytes);
        }

        @Override
        public void free(DeviceMemory m) {
            d.free(m);
        }

        @Override
        public void upload(MemorySegment src, DeviceMemory dst, long off) {
            d.upload(src, dst, off);
        }

        @Override
        public void download(DeviceMemory src, long off, MemorySegment dst) {
            d.download(src, off, dst);
        }

        @Override
        public void fill32(DeviceMemory m, long off, int pattern, long count) {
            d.fill32(m, off, pattern, count);
        }

        @Override
        public GpuFunction function(String name) {
            return d.function(name);
        }

        @Override
        public void launch(GpuFunction f, int[] grid, int[] block, Object[] args) {
            d.launch(f, grid, block, args);
        }

        @Override
        public void synchronize() {
            d.synchronize();
        }

        @Override
        public int multiprocessors() {
            return d.multiprocessors();
        }

        @Override
        public void close() {
            d.close();
        }
    }

    @Test
    void afterTheFirstEpochTrainingAllocatesNothingFromTheDriver() {
        BackendConformance.openOrSkip("cudaemu:0").close();
        AtomicInteger allocations = new AtomicInteger();
        EmulatedCudaProvider p = (EmulatedCudaProvider) Devices.providers().get("cudaemu");
        try (CudaDevice d = p.open(0, driver -> new Counting(driver, allocations));
             Model m = new Sequential(Input.of(1, 12, 12), new Conv2d(4, 3).activation("relu"), new MaxPool2d(2),
                     new Flatten(), new Dense(10).activation("tanh"), new Dense(3)).build(d, 3);
             Adam adam = new Adam(0.01f)) {
            Trainer t = new Trainer(m, adam, Loss.sparseCategoricalCrossentropy(true)).output(new PrintStream(new ByteArrayOutputStream()));
            Dataset data = data();
            t.fit(data, new FitOptions().batchSize(16).epochs(1).seed(5));
            int warm = allocations.get();
            assertTrue(warm > 0);
            t.fit(data, new FitOptions().batchSize(16).epochs(2).seed(6));
            assertEquals(warm, allocations.get(), "driver allocations after the first epoch");
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
