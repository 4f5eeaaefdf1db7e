package io.neurite.opencl;

import io.neurite.device.Buffer;
import io.neurite.device.DType;
import java.lang.foreign.MemorySegment;
import org.jocl.cl_mem;

/**
 * A buffer in OpenCL device memory: one {@code cl_mem}, created zero-filled. Copies in are
 * asynchronous on the device's in-order queue (the data is staged first, so the caller may reuse
 * its array at once); copies out wait for everything queued before them. Closing releases the
 * {@code cl_mem}; the driver keeps it alive until queued kernels that use it have finished.
 */
final class OpenClBuffer extends Buffer {
    private final OpenClDevice device;
    private volatile cl_mem mem;

    OpenClBuffer(OpenClDevice device, DType dtype, long length) {
        // allocated before super(), so a failed allocation leaves no half-made buffer for the leak check
        cl_mem m = device.createMemory(length * dtype.byteSize(), dtype + " buffer of " + length + " elements");
        super(device, dtype, length);
        this.device = device;
        this.mem = m;
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
        cl_mem m = mem;
        mem = null;
        device.free(m);
    }
}
