package io.neurite.opencl;

import static org.jocl.CL.CL_KERNEL_PREFERRED_WORK_GROUP_SIZE_MULTIPLE;
import static org.jocl.CL.CL_KERNEL_WORK_GROUP_SIZE;

import io.neurite.device.DeviceException;
import io.neurite.kernels.KernelEntry;
import io.neurite.kernels.Launcher;
import io.neurite.kernels.Shapes;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;

/**
 * Queues kernels of the device's program in the shapes of {@link Launcher} (and GEMM's explicit
 * grids): creates each {@code cl_kernel} once, sets its arguments (buffers, {@code cl_mem}s, ints,
 * floats, booleans as ints) and picks its work-group size from the kernel's and the device's limits. Each kernel keeps one work-group size for all calls,
 * because a CPU driver such as PoCL compiles a work-group function per size.
 *
 * <p>Not thread-safe on its own: callers hold the device's lock, since setting arguments and
 * queueing must not interleave between threads.
 */
final class ClLauncher implements Launcher {
    private final OpenClDevice device;
    private final Map<String, Kernel> kernels = new HashMap<>();

    /** A kernel and the work-group sizes it runs with. */
    record Kernel(String name, cl_kernel handle, long maxGroup, long multiple, long itemGroup, long reduceGroup) {
    }

    ClLauncher(OpenClDevice device) {
        this.device = device;
    }

    /** The kernel named name in the program, created and measured on first use. */
    Kernel kernel(String name) {
        Kernel k = kernels.get(name);
        if (k != null) return k;
        ClContext ctx = device.ctx;
        cl_kernel h = ClErrors.check(device.id(), "clCreateKernel(" + name + ")", () -> CL.clCreateKernel(ctx.program, name, null));
        long max = Math.min(ClInfo.kernel(h, ctx.device, CL_KERNEL_WORK_GROUP_SIZE), Math.min(ctx.maxWorkGroup, ctx.maxItems[0]));
        long multiple = Math.max(1, ClInfo.kernel(h, ctx.device, CL_KERNEL_PREFERRED_WORK_GROUP_SIZE_MULTIPLE));
        // several warps or wavefronts (or SIMD widths of a CPU driver) per group, yet many groups to spread over the units
        long items = Math.min(max, 8 * multiple);
        if (items >= multiple) items = items / multiple * multiple;
        long reduce = Long.highestOneBit(Math.min(max, ctx.reduceGroup));
        k = new Kernel(name, h, max, multiple, items, reduce);
        kernels.put(name, k);
        return k;
    }

    /** One work item per element 0..n-1 (the kernel ignores items past n); nothing when n is 0. */
    @Override
    public void items(KernelEntry entry, long n, Object... args) {
        if (n <= 0) return;
        Kernel k = kernel(entry.entry());
        long local = k.itemGroup;
        run(k, new long[] {roundUp(n, local)}, new long[] {local}, args);
    }

    /**
     * A walk over rows of length elements, each work item taking a run of up to the device's
     * {@link ClTuning#rowRun()} elements of one row; the kernel's first two arguments are the
     * number of items and the run length (CHUNKED in prelude.h), then args.
     */
    @Override
    public void rows(KernelEntry entry, long rows, int length, Object... args) {
        if (rows <= 0 || length <= 0) return;
        int chunk = device.tuning.rowRun();
        long items = rows * ((length + chunk - 1) / chunk);
        Object[] all = new Object[args.length + 2];
        all[0] = Shapes.index(items, entry.entry() + " work items");
        all[1] = chunk;
        System.arraycopy(args, 0, all, 2, args.length);
        items(entry, items, all);
    }

    /** One work-group per output of a tree reduction (the kernel's local size is a power of two). */
    @Override
    public void groups(KernelEntry entry, long groups, Object... args) {
        if (groups <= 0) return;
        Kernel k = kernel(entry.entry());
        run(k, new long[] {groups * k.reduceGroup}, new long[] {k.reduceGroup}, args);
    }

    /** An explicit launch; global sizes must be multiples of the local ones. */
    void grid(KernelEntry entry, long[] global, long[] local, Object... args) {
        for (long g : global) if (g <= 0) return;
        run(kernel(entry.entry()), global, local, args);
    }

    static long roundUp(long n, long multiple) {
        return (n + multiple - 1) / multiple * multiple;
    }

    private void run(Kernel k, long[] global, long[] local, Object[] args) {
        for (int i = 0; i < args.length; i++) setArg(k, i, args[i]);
        try {
            CL.clEnqueueNDRangeKernel(device.queue(), k.handle, global.length, null, global, local, 0, null, null);
        } catch (CLException e) {
            throw ClErrors.failed(device.id(), "clEnqueueNDRangeKernel(" + k.name + ", global " + Arrays.toString(global)
                    + ", local " + Arrays.toString(local) + ")", e);
        }
    }

    private void setArg(Kernel k, int index, Object arg) {
        try {
            switch (arg) {
                case OpenClBuffer b -> CL.clSetKernelArg(k.handle, index, Sizeof.cl_mem, Pointer.to(b.mem()));
                case cl_mem m -> CL.clSetKernelArg(k.handle, index, Sizeof.cl_mem, Pointer.to(m));
                case Integer v -> CL.clSetKernelArg(k.handle, index, Sizeof.cl_int, Pointer.to(new int[] {v}));
                case Float v -> CL.clSetKernelArg(k.handle, index, Sizeof.cl_float, Pointer.to(new float[] {v}));
                case Boolean v -> CL.clSetKernelArg(k.handle, index, Sizeof.cl_int, Pointer.to(new int[] {v ? 1 : 0}));
                default -> throw new DeviceException(device.id() + ": kernel " + k.name + " argument " + index
                        + " has unsupported type " + (arg == null ? "null" : arg.getClass().getName()));
            }
        } catch (CLException e) {
            throw ClErrors.failed(device.id(), "clSetKernelArg(" + k.name + ", argument " + index + ")", e);
        }
    }

    /** Releases every kernel object (the program stays with the context). */
    void release() {
        for (Kernel k : kernels.values()) CL.clReleaseKernel(k.handle);
        kernels.clear();
    }
}
