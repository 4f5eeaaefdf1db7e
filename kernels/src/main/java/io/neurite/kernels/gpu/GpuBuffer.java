package io.neurite.kernels.gpu;

import io.neurite.device.Buffer;
import io.neurite.device.DType;
import io.neurite.device.DeviceException;
import io.neurite.kernels.gpu.GpuDriver.DeviceMemory;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Cleaner;

/**
 * A buffer in device memory from its device's caching allocator, created zero-filled unless it is
 * about to be overwritten whole. Copies in
 * are asynchronous on the device's stream (the driver stages the data, so the caller may reuse its
 * array at once); copies out wait for everything queued before them. Closing returns the memory to
 * the allocator, where work already queued with it still runs first (one in-order stream). A
 * buffer garbage-collected without close (a bug the leak check reports) still gives its memory
 * back, so a leak costs host objects, not device memory for the rest of the process.
 */
final class GpuBuffer extends Buffer {
    private static final Cleaner CLEANER = Cleaner.create();
    private final GpuDevice device;
    private final Cleaner.Cleanable release;
    private volatile DeviceMemory memory;

    GpuBuffer(GpuDevice device, DType dtype, long length, boolean zeroed) {
        // checked and allocated before super(), so a refusal leaves no half-made buffer for the leak check
        if (length > Integer.MAX_VALUE) {
            throw new DeviceException(device.id() + ": a buffer of " + length + " elements is beyond the GPU kernels' "
                    + "32-bit indexing (2^31 - 1 elements)");
        }
        DeviceMemory m = device.allocate(length * dtype.byteSize(), zeroed);
        super(device, dtype, length);
        this.device = device;
        this.memory = m;
        release = CLEANER.register(this, () -> device.recycle(m)); // captures no reference to this buffer
    }

    /** The device memory behind a (checked, open) buffer of a GPU device, for kernel arguments. */
    static DeviceMemory memory(Buffer b) {
        return ((GpuBuffer) b).memory;
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
        memory = null;
        release.clean(); // gives the memory back at most once, whether called here or by the cleaner
    }
}
