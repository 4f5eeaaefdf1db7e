package io.neurite.opencl;

import io.neurite.device.Buffer;
import io.neurite.device.DType;
import io.neurite.device.Device;
import io.neurite.device.DeviceException;
import io.neurite.device.DeviceInfo;
import io.neurite.device.Kernels;
import io.neurite.device.Op;
import io.neurite.kernels.CommonKernels;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.EnumSet;
import java.util.Set;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_mem;

/**
 * An OpenCL device: an in-order command queue on a shared {@link ClContext}. Kernels are queued
 * and return at once; {@link #synchronize()} waits. Host data written to a buffer is first
 * copied into staging memory that lives until the queue has drained (at the next synchronize or
 * read), so writes are asynchronous too and the caller's array is free again on return.
 */
final class OpenClDevice extends Device {
    /** Staged bytes after which a write waits for the queue, so staging cannot grow without bound. */
    private static final long MAX_STAGED = 64L << 20;
    /** Allocations from this size on wait for their zero fill (see {@link #createMemory}). */
    private static final long SYNC_ALLOCATION = 64L << 20;

    final ClContext ctx;
    final ClTuning tuning;
    private final cl_command_queue queue;
    private final ClLauncher launcher;
    private final ClScratch scratch;
    private final OpenClKernels kernels;
    private Arena staging = Arena.ofShared();
    private long staged;

    OpenClDevice(DeviceInfo info, ClContext ctx, ClTuning tuning) {
        super(info);
        this.ctx = ctx;
        this.tuning = tuning;
        queue = createQueue(ctx);
        launcher = new ClLauncher(this);
        scratch = new ClScratch(this);
        kernels = new OpenClKernels(this);
    }

    @SuppressWarnings("deprecation") // clCreateCommandQueueWithProperties needs OpenCL 2.0; this works on 1.2 too
    private static cl_command_queue createQueue(ClContext ctx) {
        return ClErrors.check(ctx.id, "clCreateCommandQueue", () -> CL.clCreateCommandQueue(ctx.context, ctx.device, 0, null));
    }

    @Override
    public String description() {
        return super.description() + "; " + tuning.describe(ctx);
    }

    @Override
    public Set<Op> supportedOps() {
        return EnumSet.copyOf(CommonKernels.SUPPORTED);
    }

    @Override
    public boolean supports(Op op) {
        return CommonKernels.SUPPORTED.contains(op); // asked on every op: no copy
    }

    cl_command_queue queue() {
        return queue;
    }

    ClLauncher launcher() {
        return launcher;
    }

    ClScratch scratch() {
        return scratch;
    }

    @Override
    protected Kernels kernels() {
        return kernels;
    }

    @Override
    protected Buffer allocateBuffer(DType dtype, long length) {
        return new OpenClBuffer(this, dtype, length);
    }

    /**
     * A zero-filled cl_mem of at least bytes (at least one element: OpenCL has no empty buffers).
     * Refused with a {@link DeviceException}, leaving nothing allocated and the device usable: a
     * size beyond the device's single-allocation limit, a total beyond the global memory the device
     * reports (counted over this process's buffers, since some drivers such as PoCL never refuse),
     * and a driver's allocation failure. Allocations of {@value #SYNC_ALLOCATION} bytes or more wait
     * for their zero fill, so that a driver that allocates lazily (most GPU drivers) reports a lack
     * of memory here rather than at some later kernel.
     */
    cl_mem createMemory(long bytes, String what) {
        if (bytes > ctx.maxAlloc) {
            throw new DeviceException(id() + ": cannot allocate a " + what + " (" + bytes + " bytes): the device's "
                    + "largest single allocation (CL_DEVICE_MAX_MEM_ALLOC_SIZE) is " + ctx.maxAlloc + " bytes of "
                    + ctx.globalMemory + " in all");
        }
        long size = Math.max(4, bytes);
        long inUse = ctx.inUse.addAndGet(size);
        if (inUse > ctx.globalMemory) {
            ctx.inUse.addAndGet(-size);
            throw new DeviceException(id() + ": out of device memory: a " + what + " needs " + size + " bytes, and "
                    + (inUse - size) + " of the device's " + ctx.globalMemory + " bytes are in use by open buffers; close "
                    + "buffers that are no longer needed or use smaller batches (the device stays usable)");
        }
        cl_mem m;
        try {
            m = CL.clCreateBuffer(ctx.context, CL.CL_MEM_READ_WRITE, size, null, null);
        } catch (CLException e) {
            ctx.inUse.addAndGet(-size);
            throw ClErrors.failed(id(), "clCreateBuffer(" + size + " bytes for a " + what + ")", e);
        }
        String call = "clEnqueueFillBuffer(zeroing " + size + " bytes for a " + what + ")";
        try {
            synchronized (this) {
                CL.clEnqueueFillBuffer(queue, m, Pointer.to(new int[1]), Sizeof.cl_int, 0, size, 0, null, null);
                call = "clFinish(after zeroing " + size + " bytes for a " + what + ")";
                if (size >= SYNC_ALLOCATION) CL.clFinish(queue);
            }
        } catch (CLException e) {
            free(m, size);
            throw ClErrors.failed(id(), call, e);
        }
        return m;
    }

    /** Releases a memory object of bytes bytes (as createMemory was asked); also after the device closed. */
    void free(cl_mem m, long bytes) {
        if (m == null) return;
        ctx.inUse.addAndGet(-Math.max(4, bytes));
        ClErrors.run(id(), "clReleaseMemObject", () -> CL.clReleaseMemObject(m));
    }

    /** Queues a copy of src into m at byteOffset from staging memory, without waiting. */
    synchronized void write(cl_mem m, long byteOffset, MemorySegment src) {
        requireOpenDevice();
        long bytes = src.byteSize();
        if (bytes == 0) return;
        if (staged + bytes > MAX_STAGED) drain();
        MemorySegment copy = staging.allocate(bytes, 64);
        copy.copyFrom(src);
        staged += bytes;
        ClErrors.run(id(), "clEnqueueWriteBuffer(" + bytes + " bytes at " + byteOffset + ")",
                () -> CL.clEnqueueWriteBuffer(queue, m, CL.CL_FALSE, byteOffset, bytes, Pointer.to(copy.asByteBuffer()),
                        0, null, null));
    }

    /** Copies dst.byteSize() bytes from m at byteOffset into dst, after everything queued before. */
    synchronized void read(cl_mem m, long byteOffset, MemorySegment dst) {
        requireOpenDevice();
        long bytes = dst.byteSize();
        if (bytes == 0) return;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment into = dst.isNative() ? dst : arena.allocate(bytes, 64);
            ClErrors.run(id(), "clEnqueueReadBuffer(" + bytes + " bytes at " + byteOffset + ")",
                    () -> CL.clEnqueueReadBuffer(queue, m, CL.CL_TRUE, byteOffset, bytes, Pointer.to(into.asByteBuffer()),
                            0, null, null));
            if (into != dst) dst.copyFrom(into);
        }
        releaseStaging(); // a blocking read on an in-order queue means every earlier command has finished
    }

    /** Queues a fill of bytes bytes of m with a 32-bit pattern. */
    synchronized void fill(cl_mem m, int pattern, long bytes) {
        requireOpenDevice();
        if (bytes == 0) return;
        ClErrors.run(id(), "clEnqueueFillBuffer(" + bytes + " bytes)",
                () -> CL.clEnqueueFillBuffer(queue, m, Pointer.to(new int[] {pattern}), Sizeof.cl_int, 0, bytes, 0, null, null));
    }

    @Override
    public synchronized void synchronize() {
        requireOpenDevice();
        drain();
    }

    private void drain() {
        ClErrors.run(id(), "clFinish", () -> CL.clFinish(queue));
        releaseStaging();
    }

    private void releaseStaging() {
        if (staged == 0) return;
        staging.close();
        staging = Arena.ofShared();
        staged = 0;
    }

    private void requireOpenDevice() {
        if (isClosed()) throw new DeviceException("device " + id() + " is closed");
    }

    @Override
    protected synchronized void closeDevice() {
        try {
            CL.clFinish(queue);
        } catch (CLException e) {
            // closing anyway: the queue and everything it owns are released below
        }
        staging.close();
        launcher.release();
        scratch.release();
        CL.clReleaseCommandQueue(queue);
    }
}
