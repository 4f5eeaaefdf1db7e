package io.neurite.kernels.gpu;

import java.lang.foreign.MemorySegment;

/**
 * The few operations a GPU backend must supply for one device: memory, copies on the device's one
 * in-order stream or queue, and kernel launches in grid-of-blocks terms. Everything above it (the
 * {@link CachingAllocator}, buffers, launch planning, every op's argument list and grid) is
 * {@link GpuDevice}'s and shared: the CUDA backend implements this with the JCuda driver API, the
 * OpenCL backend with JOCL, and tests implement it on an OpenCL CPU device running the CUDA
 * program's own source. This is tinygrad's shape: each runtime a small file behind one interface.
 *
 * <p>All methods are called under the owning device's lock; work is queued in order, and only
 * {@link #download} and {@link #synchronize} wait for it.
 */
public interface GpuDriver {
    /**
     * Device memory of exactly bytes bytes (contents undefined), or null when the device is out of
     * memory (the allocator then empties its cache and asks once more). A request the device can
     * never satisfy (beyond {@link #maxAllocation()}) throws instead.
     */
    DeviceMemory tryAllocate(long bytes);

    /** Frees memory from {@link #tryAllocate}; work queued before that uses it still completes. */
    void free(DeviceMemory memory);

    /** The largest single allocation the device allows, so the allocator never rounds a request beyond it. */
    default long maxAllocation() {
        return Long.MAX_VALUE;
    }

    /** Bytes of device memory free now (the driver's count, or the device's memory less what is allocated), or -1 where unknown. */
    default long freeBytes() {
        return -1;
    }

    /** Queues a copy of src into dst at byteOffset; src may be reused as soon as this returns. */
    void upload(MemorySegment src, DeviceMemory dst, long byteOffset);

    /** Copies dst.byteSize() bytes from src at byteOffset into dst, after all work queued before. */
    void download(DeviceMemory src, long byteOffset, MemorySegment dst);

    /** Queues setting count 32-bit words of memory, from byteOffset, to pattern. */
    void fill32(DeviceMemory memory, long byteOffset, int pattern, long count);

    /** The kernel named name in the loaded program; an unknown name is a {@code DeviceException} naming it. */
    GpuFunction function(String name);

    /**
     * Queues function over grid[0] x grid[1] x grid[2] blocks of block[0] x block[1] x block[2]
     * threads. Arguments are {@link Integer}, {@link Float}, {@link Boolean} (passed as an int) or
     * {@link DeviceMemory} (passed as a device pointer), in the kernel's parameter order.
     */
    void launch(GpuFunction function, int[] grid, int[] block, Object[] args);

    /** Waits for all queued work; a kernel's failure surfaces here as an exception. */
    void synchronize();

    /** Streaming multiprocessors (compute units), for sizing grids. */
    int multiprocessors();

    /** Releases what the driver holds for this device (stream or queue, kernels); memory was freed first. */
    void close();

    /** Whether {@link #beginCapture} works here (CUDA graphs); false by default. */
    default boolean canCapture() {
        return false;
    }

    /**
     * Starts recording the stream: launches and fills queued from now on are captured, not run,
     * until {@link #endCapture}; nothing else is called in between ({@link StepGraphs} sees to it).
     */
    default void beginCapture() {
        throw new UnsupportedOperationException("this driver cannot capture graphs");
    }

    /** Ends the recording and returns it ready to launch; a failure is an exception naming it. */
    default Graph endCapture() {
        throw new UnsupportedOperationException("this driver cannot capture graphs");
    }

    /** A captured stream of work ({@code cuGraphInstantiate}'s executable graph). */
    interface Graph {
        /** Queues the whole recording on the stream, with the memory it was recorded with. */
        void launch();

        void close();
    }

    /** A block of device memory; identity equality, as the allocator's sets need. */
    interface DeviceMemory {
        long bytes();
    }

    /**
     * Device memory as a driver's handle ({@code CUdeviceptr}, {@code cl_mem}) and its size. Not a
     * record: two blocks must never be equal, even when a driver hands out a freed address again.
     *
     * @param <H> the driver's handle type
     */
    final class Block<H> implements DeviceMemory {
        private final H handle;
        private final long bytes;

        public Block(H handle, long bytes) {
            this.handle = handle;
            this.bytes = bytes;
        }

        public H handle() {
            return handle;
        }

        @Override
        public long bytes() {
            return bytes;
        }

        @Override
        public String toString() {
            return bytes + " bytes at " + handle;
        }
    }

    /**
     * A kernel of the program.
     *
     * @param name       its entry name
     * @param maxThreads the most threads a block of it may have on this device (its registers limit it)
     * @param multiple   the block size it runs best in multiples of (a warp, a wavefront, a CPU driver's SIMD width)
     * @param handle     the driver's handle
     */
    record GpuFunction(String name, int maxThreads, int multiple, Object handle) {
    }
}
