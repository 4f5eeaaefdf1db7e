package io.neurite.opencl;

import io.neurite.device.Buffer;
import io.neurite.device.DType;
import io.neurite.device.DeviceException;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Cleaner;
import org.jocl.cl_mem;

/**
 * A buffer in OpenCL device memory: one {@code cl_mem}, created zero-filled. Copies in are
 * asynchronous on the device's in-order queue (the data is staged first, so the caller may reuse
 * its array at once); copies out wait for everything queued before them. Closing releases the
 * {@code cl_mem}; the driver keeps it alive until queued kernels that use it have finished. A
 * buffer garbage-collected without close (a bug the leak check reports) still gives its memory
 * back, so a leak costs host objects, not device memory for the rest of the process.
 */
final class OpenClBuffer extends Buffer {
    private static final Cleaner CLEANER = Cleaner.create();
    private final OpenClDevice device;
    private final Cleaner.Cleanable release;
    private volatile cl_mem mem;

    OpenClBuffer(OpenClDevice device, DType dtype, long length) {
        // checked and allocated before super(), so a refusal leaves no half-made buffer for the leak check
        if (length > Integer.MAX_VALUE) {
            throw new DeviceException(device.id() + ": a buffer of " + length + " elements is beyond the OpenCL kernels' "
                    + "32-bit indexing (2^31 - 1 elements)");
        }
        long bytes = length * dtype.byteSize();
        cl_mem m = device.createMemory(bytes, dtype + " buffer of " + length + " elements");
        super(device, dtype, length);
        this.device = device;
        this.mem = m;
        release = CLEANER.register(this, () -> device.free(m, bytes)); // captures no reference to this buffer
    }

    /** The memory object, for kernel arguments; the buffer was checked to be open. */
    cl_mem mem() {
        return mem;
    }

    @Override
    protected void write(MemorySegment src, long offset) {
        device.write(mem, offset * dtype().byteSize(), src);
    }

    @Override
    protected void read(long offset, MemorySegment dst) {
        device.read(mem, offset * dtype().byteSize(), dst);
    }

    @Override
    protected void release() {
        mem = null;
        release.clean(); // frees at most once, whether called here or by the cleaner
    }
}
