package io.neurite.opencl;

import static org.jocl.CL.CL_DEVICE_MAX_COMPUTE_UNITS;
import static org.jocl.CL.CL_KERNEL_PREFERRED_WORK_GROUP_SIZE_MULTIPLE;
import static org.jocl.CL.CL_KERNEL_WORK_GROUP_SIZE;

import io.neurite.device.DeviceException;
import io.neurite.kernels.gpu.GpuDriver;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;

/**
 * One OpenCL device as a {@link GpuDriver}: an in-order command queue of its own on a shared
 * {@link ClContext} (whose program holds every kernel). What is OpenCL's own lives here:
 * <ul>
 *   <li>memory limits: a request beyond {@code CL_DEVICE_MAX_MEM_ALLOC_SIZE} is refused, and the
 *       bytes held are counted against the global memory the device reports, because some drivers
 *       (PoCL) never refuse and the process would be killed instead; large allocations wait for a
 *       first fill, so that a driver that allocates lazily (most GPU drivers) reports a lack of
 *       memory here rather than at some later kernel;</li>
 *   <li>asynchronous writes: host data is copied into staging memory that lives until the queue has
 *       drained (at the next synchronize or read), so the caller's array is free again on return;</li>
 *   <li>kernel objects, their arguments set per launch (callers hold the device's lock, so setting
 *       and queueing do not interleave between threads).</li>
 * </ul>
 */
final class ClDriver implements GpuDriver {
    /** Staged bytes after which a write waits for the queue, so staging cannot grow without bound. */
    private static final long MAX_STAGED = 64L << 20;
    /** Allocations from this size on wait for a first fill (see the class comment). */
    private static final long SYNC_ALLOCATION = 64L << 20;

    private final String id;
    private final ClContext ctx;
    private final cl_command_queue queue;
    private final Map<String, GpuFunction> functions = new HashMap<>();
    private final int units;
    private Arena staging = Arena.ofShared();
    private long staged;

    @SuppressWarnings("deprecation") // clCreateCommandQueueWithProperties needs OpenCL 2.0; this works on 1.2 too
    ClDriver(String id, ClContext ctx) {
        this.id = id;
        this.ctx = ctx;
        queue = ClErrors.check(id, "clCreateCommandQueue", () -> CL.clCreateCommandQueue(ctx.context, ctx.device, 0, null));
        units = (int) ClInfo.number(ctx.device, CL_DEVICE_MAX_COMPUTE_UNITS);
    }

    @Override
    public long maxAllocation() {
        return ctx.maxAlloc;
    }

    @Override
    public long freeBytes() {
        return Math.max(0, ctx.globalMemory - ctx.inUse.get());
    }

    @Override
    public DeviceMemory tryAllocate(long bytes) {
        if (bytes > ctx.maxAlloc) {
            throw new DeviceException(id + ": cannot allocate " + bytes + " bytes: the device's largest single allocation "
                    + "(CL_DEVICE_MAX_MEM_ALLOC_SIZE) is " + ctx.maxAlloc + " bytes of " + ctx.globalMemory + " in all, "
                    + freeBytes() + " free");
        }
        long size = Math.max(4, bytes); // OpenCL has no empty buffers
        if (ctx.inUse.addAndGet(size) > ctx.globalMemory) {
            ctx.inUse.addAndGet(-size);
            return null;
        }
        cl_mem m;
        try {
            m = CL.clCreateBuffer(ctx.context, CL.CL_MEM_READ_WRITE, size, null, null);
        } catch (CLException e) {
            ctx.inUse.addAndGet(-size);
            if (ClErrors.outOfMemory(e.getStatus())) return null;
            throw ClErrors.failed(id, "clCreateBuffer(" + size + " bytes)", e);
        }
        Block<cl_mem> memory = new Block<>(m, size);
        if (size >= SYNC_ALLOCATION) {
            try {
                CL.clEnqueueFillBuffer(queue, m, Pointer.to(new int[1]), Sizeof.cl_int, 0, size, 0, null, null);
                CL.clFinish(queue);
            } catch (CLException e) {
                free(memory);
                if (ClErrors.outOfMemory(e.getStatus())) return null;
                throw ClErrors.failed(id, "clFinish(after a first fill of " + size + " bytes)", e);
            }
        }
        return memory;
    }

    @Override
    public void free(DeviceMemory memory) {
        cl_mem m = mem(memory);
        ctx.inUse.addAndGet(-memory.bytes());
        ClErrors.run(id, "clReleaseMemObject", () -> CL.clReleaseMemObject(m));
    }

    @Override
    public void upload(MemorySegment src, DeviceMemory dst, long byteOffset) {
        long bytes = src.byteSize();
        if (staged + bytes > MAX_STAGED) drain();
        MemorySegment copy = staging.allocate(bytes, 64);
        copy.copyFrom(src);
        staged += bytes;
        ClErrors.run(id, "clEnqueueWriteBuffer(" + bytes + " bytes at " + byteOffset + ")",
                () -> CL.clEnqueueWriteBuffer(queue, mem(dst), CL.CL_FALSE, byteOffset, bytes, Pointer.to(copy.asByteBuffer()),
                        0, null, null));
    }

    @Override
    public void download(DeviceMemory src, long byteOffset, MemorySegment dst) {
        long bytes = dst.byteSize();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment into = dst.isNative() ? dst : arena.allocate(bytes, 64);
            ClErrors.run(id, "clEnqueueReadBuffer(" + bytes + " bytes at " + byteOffset + ")",
                    () -> CL.clEnqueueReadBuffer(queue, mem(src), CL.CL_TRUE, byteOffset, bytes, Pointer.to(into.asByteBuffer()),
                            0, null, null));
            if (into != dst) dst.copyFrom(into);
        }
        releaseStaging(); // a blocking read on an in-order queue means every earlier command has finished
    }

    @Override
    public void fill32(DeviceMemory memory, long byteOffset, int pattern, long count) {
        if (count == 0) return;
        ClErrors.run(id, "clEnqueueFillBuffer(" + count * 4 + " bytes)", () -> CL.clEnqueueFillBuffer(queue, mem(memory),
                Pointer.to(new int[] {pattern}), Sizeof.cl_int, byteOffset, count * 4, 0, null, null));
    }

    /** The kernel named name, created and measured on first use. */
    @Override
    public GpuFunction function(String name) {
        GpuFunction f = functions.get(name);
        if (f != null) return f;
        cl_kernel h = ClErrors.check(id, "clCreateKernel(" + name + ")", () -> CL.clCreateKernel(ctx.program, name, null));
        long max = Math.min(ClInfo.kernel(h, ctx.device, CL_KERNEL_WORK_GROUP_SIZE), Math.min(ctx.maxWorkGroup, ctx.maxItems[0]));
        long multiple = Math.max(1, ClInfo.kernel(h, ctx.device, CL_KERNEL_PREFERRED_WORK_GROUP_SIZE_MULTIPLE));
        f = new GpuFunction(name, (int) Math.min(max, Integer.MAX_VALUE), (int) Math.min(multiple, max), h);
        functions.put(name, f);
        return f;
    }

    @Override
    public void launch(GpuFunction f, int[] grid, int[] block, Object[] args) {
        cl_kernel k = (cl_kernel) f.handle();
        for (int i = 0; i < args.length; i++) setArg(f, k, i, args[i]);
        // as few dimensions as the launch uses: a CPU driver compiles a work-group function per shape
        int dims = grid[2] > 1 || block[2] > 1 ? 3 : grid[1] > 1 || block[1] > 1 ? 2 : 1;
        long[] global = new long[dims], local = new long[dims];
        for (int d = 0; d < dims; d++) {
            global[d] = (long) grid[d] * block[d];
            local[d] = block[d];
        }
        try {
            CL.clEnqueueNDRangeKernel(queue, k, dims, null, global, local, 0, null, null);
        } catch (CLException e) {
            throw ClErrors.failed(id, "clEnqueueNDRangeKernel(" + f.name() + ", global " + Arrays.toString(global)
                    + ", local " + Arrays.toString(local) + ")", e);
        }
    }

    private void setArg(GpuFunction f, cl_kernel k, int index, Object arg) {
        try {
            switch (arg) {
                case DeviceMemory m -> CL.clSetKernelArg(k, index, Sizeof.cl_mem, Pointer.to(mem(m)));
                case Integer v -> CL.clSetKernelArg(k, index, Sizeof.cl_int, Pointer.to(new int[] {v}));
                case Float v -> CL.clSetKernelArg(k, index, Sizeof.cl_float, Pointer.to(new float[] {v}));
                case Boolean v -> CL.clSetKernelArg(k, index, Sizeof.cl_int, Pointer.to(new int[] {v ? 1 : 0}));
                case null, default -> throw new DeviceException(id + ": kernel " + f.name() + " argument " + index
                        + " has unsupported type " + (arg == null ? "null" : arg.getClass().getName()));
            }
        } catch (CLException e) {
            throw ClErrors.failed(id, "clSetKernelArg(" + f.name() + ", argument " + index + ")", e);
        }
    }

    @Override
    public void synchronize() {
        drain();
    }

    private void drain() {
        ClErrors.run(id, "clFinish", () -> CL.clFinish(queue));
        releaseStaging();
    }

    private void releaseStaging() {
        if (staged == 0) return;
        staging.close();
        staging = Arena.ofShared();
        staged = 0;
    }

    @Override
    public int multiprocessors() {
        return units;
    }

    @Override
    public void close() {
        try {
            CL.clFinish(queue);
        } catch (CLException e) {
            // closing anyway: the queue and everything it owns are released below
        }
        staging.close();
        for (GpuFunction f : functions.values()) CL.clReleaseKernel((cl_kernel) f.handle());
        functions.clear();
        CL.clReleaseCommandQueue(queue);
    }

    private cl_mem mem(DeviceMemory m) {
        if (m instanceof Block<?> b && b.handle() instanceof cl_mem c) return c;
        throw new DeviceException(id + ": memory of another driver: " + m);
    }
}
