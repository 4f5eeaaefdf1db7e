package io.neurite.kernels.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurite.kernels.gpu.GpuDriver.DeviceMemory;
import io.neurite.kernels.gpu.GpuDriver.GpuFunction;
import io.neurite.device.DeviceException;
import java.lang.foreign.MemorySegment;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The caching allocator over a fake driver with a memory limit: reuse by size class, retry after trimming, release. */
class CachingAllocatorTest {
    /** Counts allocations and frees; refuses (null) past capacity bytes in use. */
    static final class FakeDriver implements GpuDriver {
        final long capacity;
        long inUse;
        int allocations;
        final Set<DeviceMemory> live = new HashSet<>();

        FakeDriver(long capacity) {
            this.capacity = capacity;
        }

        record Block(long bytes) implements DeviceMemory {
        }

        @Override
        public DeviceMemory tryAllocate(long bytes) {
            if (inUse + bytes > capacity) return null;
            inUse += bytes;
            allocations++;
            DeviceMemory m = new DeviceMemory() {
                @Override
                public long bytes() {
                    return bytes;
                }
            };
            live.add(m);
            return m;
        }

        @Override
        public long freeBytes() {
            return capacity - inUse;
        }

        @Override
        public void free(DeviceMemory memory) {
            assertTrue(live.remove(memory), "freed twice or never allocated");
            inUse -= memory.bytes();
        }

        @Override
        public void upload(MemorySegment src, DeviceMemory dst, long byteOffset) {
        }

        @Override
        public void download(DeviceMemory src, long byteOffset, MemorySegment dst) {
        }

        @Override
        public void fill32(DeviceMemory memory, long byteOffset, int pattern, long count) {
        }

        @Override
        public GpuFunction function(String name) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void launch(GpuFunction function, int[] grid, int[] block, Object[] args) {
        }

        @Override
        public void synchronize() {
        }

        @Override
        public int multiprocessors() {
            return 1;
        }

        @Override
        public void close() {
        }
    }

    @Test
    void sizeClassesRoundUp() {
        assertEquals(512, CachingAllocator.sizeClass(0));
        assertEquals(512, CachingAllocator.sizeClass(4));
        assertEquals(1024, CachingAllocator.sizeClass(513));
        assertEquals(1L << 20, CachingAllocator.sizeClass(1L << 20));
        assertEquals(2L << 20, CachingAllocator.sizeClass((1L << 20) + 1));
        assertEquals(4L << 20, CachingAllocator.sizeClass((2L << 20) + 1));
    }

    @Test
    void aTrainingLoopAllocatesOnlyInItsFirstStep() {
        FakeDriver driver = new FakeDriver(1L << 30);
        CachingAllocator a = new CachingAllocator("fake:0", driver);
        for (int step = 0; step < 5; step++) {
            DeviceMemory x = a.take(784 * 64 * 4), h = a.take(200 * 64 * 4), g = a.take(300);
            a.give(g);
            a.give(h);
            a.give(x);
        }
        assertEquals(3, driver.allocations, "only the first step reaches the driver");
        assertEquals(0, a.heldBytes());
        assertTrue(a.cachedBytes() > 0);
        DeviceMemory again = a.take(784 * 64 * 4 - 100);
        assertEquals(CachingAllocator.sizeClass(784 * 64 * 4), again.bytes(), "a smaller request of the same class reuses the block");
        a.releaseAll();
        assertTrue(driver.live.isEmpty(), "everything freed, held or cached");
        a.give(again); // after releaseAll: ignored, not freed twice
        assertTrue(driver.live.isEmpty());
    }

    @Test
    void outOfMemoryEmptiesTheCacheAndRetriesOnce() {
        FakeDriver driver = new FakeDriver(4L << 20);
        CachingAllocator a = new CachingAllocator("fake:0", driver);
        DeviceMemory big = a.take(3L << 20);
        a.give(big);
        DeviceMemory other = a.take(2L << 20); // does not fit beside the cached 4 MiB block: cache trimmed, retried
        assertNotSame(big, other);
        assertEquals(0, a.cachedBytes());
        DeviceException e = assertThrows(DeviceException.class, () -> a.take(3L << 20));
        assertTrue(e.getMessage().contains("out of device memory") && e.getMessage().contains("fake:0"), e.getMessage());
        assertTrue(e.getMessage().contains("requested " + (3L << 20) + " bytes, " + (2L << 20) + " bytes free"), e.getMessage());
        DeviceMemory smaller = a.take(1L << 20); // the device stays usable: a request that fits succeeds
        a.give(smaller);
        a.give(other);
        assertSame(other, a.take(2L << 20), "a freed block is reused first");
    }
}
