package io.neurite.kernels.gpu;

import io.neurite.device.Buffer;
import io.neurite.device.DeviceException;
import io.neurite.kernels.KernelEntry;
import io.neurite.kernels.Launcher;
import io.neurite.kernels.Shapes;
import io.neurite.kernels.StepValues;
import io.neurite.kernels.gpu.GpuDriver.GpuFunction;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;

/**
 * Sizes and queues kernel launches in the shapes the kernels of neurite/common/ are written for,
 * in blocks and threads, for whichever driver runs them:
 * <ul>
 *   <li>{@link #items}: one thread per element, in blocks of eight of the kernel's preferred
 *       multiple (eight warps on a GPU, eight SIMD widths on a CPU driver): several per block, yet
 *       many blocks to spread over the units;</li>
 *   <li>{@link #rows}: a walk over rows, each thread taking a run of {@link LaunchLimits#rowRun()}
 *       elements of one row (CHUNKED in prelude.h);</li>
 *   <li>{@link #groups}: one block per output of a tree reduction, a power of two of threads, at most
 *       the REDUCE_WG the program was compiled with;</li>
 *   <li>{@link #grid}: an explicit grid (GEMM).</li>
 * </ul>
 * A kernel keeps one block size for all calls, because a CPU driver such as PoCL compiles a
 * work-group function per size. Arguments may be buffers, device memory, ints, floats, booleans or
 * {@link StepValues} (the values, then the step table and their slot in it: {@link StepGraphs}).
 * Callers hold the device's lock.
 */
public final class GpuLauncher implements Launcher {
    private final String device;
    private final StepGraphs driver;
    private final java.util.function.Supplier<GpuDriver.DeviceMemory> placeholder;
    private final LaunchLimits limits;
    private final Map<KernelEntry, GpuFunction> functions = new EnumMap<>(KernelEntry.class);
    private final java.util.function.BooleanSupplier closed;
    private final Runnable launched;

    GpuLauncher(String device, StepGraphs driver, LaunchLimits limits, java.util.function.BooleanSupplier closed, Runnable launched,
                java.util.function.Supplier<GpuDriver.DeviceMemory> placeholder) {
        this.launched = launched;
        this.placeholder = placeholder;
        this.device = device;
        this.driver = driver;
        this.limits = limits;
        this.closed = closed;
    }

    /** The kernel, looked up once. */
    public GpuFunction function(KernelEntry k) {
        if (closed.getAsBoolean()) throw new DeviceException("device " + device + " is closed");
        return functions.computeIfAbsent(k, key -> driver.function(key.entry()));
    }

    /** Threads of an elementwise block of the kernel: eight of its multiple, within its limit. */
    public int itemThreads(KernelEntry k) {
        GpuFunction f = function(k);
        int multiple = Math.max(1, f.multiple());
        int threads = Math.min(f.maxThreads(), 8 * multiple);
        return threads >= multiple ? threads / multiple * multiple : threads;
    }

    /** One thread per element 0..n-1 (the kernel ignores threads past n); nothing when n is 0. */
    @Override
    public void items(KernelEntry k, long n, Object... args) {
        if (n <= 0) return;
        int threads = itemThreads(k);
        launch(function(k), new long[] {(n + threads - 1) / threads, 1, 1}, new int[] {threads, 1, 1}, args);
    }

    /** A walk over rows of length elements; the kernel's first two arguments are the thread count and the run. */
    @Override
    public void rows(KernelEntry k, long rows, int length, Object... args) {
        if (rows <= 0 || length <= 0) return;
        int run = limits.rowRun();
        long threads = rows * ((length + run - 1) / run);
        Object[] all = new Object[args.length + 2];
        all[0] = Shapes.index(threads, k.entry() + " threads");
        all[1] = run;
        System.arraycopy(args, 0, all, 2, args.length);
        items(k, threads, all);
    }

    /** One block per output of a tree reduction; nothing when groups is 0. */
    @Override
    public void groups(KernelEntry k, long groups, Object... args) {
        if (groups <= 0) return;
        GpuFunction f = function(k);
        int threads = Integer.highestOneBit(Math.min(limits.reduceThreads(), f.maxThreads()));
        launch(f, new long[] {groups, 1, 1}, new int[] {threads, 1, 1}, args);
    }

    /** An explicit grid of blocks; nothing when any extent is 0. */
    public void grid(KernelEntry k, long[] grid, int[] block, Object... args) {
        for (long g : grid) if (g <= 0) return;
        launch(function(k), grid, block, args);
    }

    /** The most blocks along y and z, so callers can slice a batch that exceeds it. */
    public long maxGridYZ() {
        return limits.maxGridYZ();
    }

    private void launch(GpuFunction f, long[] grid, int[] block, Object[] args) {
        // Callers hold the device's lock, as its close does: a device closed by another thread launches nothing.
        if (closed.getAsBoolean()) throw new DeviceException("device " + device + " is closed");
        if (grid[0] > limits.maxGridX() || grid[1] > limits.maxGridYZ() || grid[2] > limits.maxGridYZ()) {
            throw new DeviceException(device + ": kernel " + f.name() + " needs a grid of " + Arrays.toString(grid)
                    + " blocks, beyond the device's limits (" + limits.maxGridX() + ", " + limits.maxGridYZ() + ", "
                    + limits.maxGridYZ() + ")");
        }
        if ((long) block[0] * block[1] * block[2] > f.maxThreads()) {
            throw new DeviceException(device + ": kernel " + f.name() + " allows " + f.maxThreads()
                    + " threads a block on this device, not " + Arrays.toString(block));
        }
        java.util.List<Object> converted = new java.util.ArrayList<>(args.length + 4);
        long stepValues = 0; // positions the step graph does not compare: their slot in its table is compared instead
        for (Object a : args) {
            if (a instanceof StepValues sv) {
                int at = driver.place(sv);
                for (Object v : sv.values()) {
                    stepValues |= 1L << converted.size();
                    converted.add(v);
                }
                converted.add(at < 0 ? placeholder.get() : driver.table());
                converted.add(at);
            } else {
                converted.add(a instanceof Buffer b ? GpuBuffer.memory(b) : a);
            }
        }
        driver.launch(f, new int[] {(int) grid[0], (int) grid[1], (int) grid[2]}, block, converted.toArray(), stepValues);
        launched.run();
    }
}
