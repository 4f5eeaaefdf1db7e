package io.neurite.cuda;

import java.lang.foreign.MemorySegment;

/**
 * The few driver operations the CUDA backend needs from one GPU: memory, copies on the device's
 * one stream, and kernel launches in CUDA's grid-of-blocks terms. {@link CudaContext} implements it
 * with the JCuda driver API. The interface exists so that everything above it (the caching
 * allocator, buffers, launch planning, every op's argument list and grid) can be tested without a
 * GPU: the tests implement it on an OpenCL CPU device running the very same kernel sources.
 *
 * <p>All methods are called under the owning device's lock; work is queued in order on one
 * stream, and only {@link #download} and {@link #synchronize} wait for it.
 */
interface GpuDriver {
    /** Device memory of exactly bytes bytes (contents undefined), or null when the GPU is out of memory. */
    DeviceMemory tryAllocate(long bytes);

    /** Frees memory from {@link #tryAllocate}; work queued before that uses it still completes. */
    void free(DeviceMemory memory);

    /** Queues a copy of src into dst at byteOffset; src may be reused as soon as this returns. */
    void upload(MemorySegment src, DeviceMemory dst, long byteOffset);

    /** Copies dst.byteSize() bytes from src at byteOffset into dst, after all work queued before. */
    void download(DeviceMemory src, long byteOffset, MemorySegment dst);

    /** Queues setting count 32-bit words of memory, from byteOffset, to pattern. */
    void fill32(DeviceMemory memory, long byteOffset, int pattern, long count);

    /** The kernel named name in the loaded program. */
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

    /** Releases the stream, the program and the context; memory must have been freed first. */
    void close();

    /** A block of device memory. */
    interface DeviceMemory {
        long bytes();
    }

    /**
     * A kernel of the program.
     *
     * @param name       its entry name in the PTX
     * @param maxThreads the most threads a block of it may have on this GPU (its registers limit it)
     * @param handle     the driver's handle
     */
    record GpuFunction(String name, int maxThreads, Object handle) {
    }
}
