package io.neurite.cuda;

import io.neurite.cuda.GpuDriver.DeviceMemory;
import io.neurite.device.Buffer;
import io.neurite.device.DType;
import io.neurite.device.DeviceException;
import java.lang.foreign.MemorySegment;

/**
 * A buffer in GPU memory from the device's caching allocator, created zero-filled. Copies in are
 * asynchronous on the device's stream (staged through pinned memory, so the caller may reuse its
 * array at once); copies out wait for everything queued before them. Closing returns the memory
 * to the allocator, where work already queued with it still runs first (one stream).
 */
final class CudaBuffer extends Buffer {
    private final CudaDevice device;
    private volatile DeviceMemory memory;

    CudaBuffer(CudaDevice device, DType dtype, long length) {
        // checked and allocated before super(), so a refusal leaves no half-made buffer for the leak check
        if (length > Integer.MAX_VALUE) {
            throw new DeviceException(device.id() + ": a buffer of " + length + " elements is beyond the CUDA kernels' "
                    + "32-bit indexing (2^31 - 1 elements)");
        }
        DeviceMemory m = device.allocateZeroed(length * dtype.byteSize());
        super(device, dtype, length);
        this.device = device;
        this.memory = m;
    }

    /** The device memory, for kernel arguments; the buffer was checked to be open. */
    DeviceMemory memory() {
        return memory;
    }

    @Override
    protected void write(MemorySegment src, long offset) {
        device.upload(src, memory, offset * dtype().byteSize());
    }

    @Override
    protected void read(long offset, MemorySegment dst) {
        device.download(memory, offset * dtype().byteSize(), dst);
    }

    @Override
    protected void release() {
        DeviceMemory m = memory;
        memory = null;
        device.recycle(m);
    }
}
