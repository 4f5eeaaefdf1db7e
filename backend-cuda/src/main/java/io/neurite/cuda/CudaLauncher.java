package io.neurite.cuda;

import io.neurite.cuda.GpuDriver.DeviceMemory;
import io.neurite.cuda.GpuDriver.GpuFunction;
import io.neurite.device.Buffer;
import io.neurite.device.DeviceException;
import io.neurite.kernels.KernelEntry;
import io.neurite.kernels.Launcher;
import io.neurite.kernels.Shapes;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;

/**
 * Sizes and queues kernel launches in the four shapes the kernels are written for (the
 * {@link Launcher} shapes the OpenCL backend sizes too, in CUDA's terms of blocks and threads):
 * <ul>
 *   <li>{@link #items}: one thread per element, blocks of {@value #ITEM_THREADS};</li>
 *   <li>{@link #rows}: a walk over rows, one element per thread (CHUNKED in prelude.h with a run of 1,
 *       so neighbouring threads touch neighbouring addresses);</li>
 *   <li>{@link #groups}: one block of {@value #REDUCE_THREADS} threads per output of a tree reduction;</li>
 *   <li>{@link #grid}: an explicit grid (GEMM).</li>
 * </ul>
 * {@value #REDUCE_THREADS} and {@value #GEMM_THREADS} are REDUCE_WG and GEMM_THREADS of
 * neurite.cu, compiled into the PTX; a test checks them against its shared-memory arrays.
 * Arguments may be buffers, device memory, ints, floats or booleans. Callers hold the device's lock.
 */
final class CudaLauncher implements Launcher {
    /** Threads of an elementwise block: eight warps. */
    static final int ITEM_THREADS = 256;
    /** REDUCE_WG of neurite.cu: the size of the reductions' shared buffer. */
    static final int REDUCE_THREADS = 256;
    /** GEMM_THREADS of neurite.cu: gemm_tiled runs blocks of GEMM_THREADS x GEMM_THREADS. */
    static final int GEMM_THREADS = 16;
    /** CUDA's limit on gridDim.y and gridDim.z. */
    static final int MAX_GRID_YZ = 65535;

    private final String device;
    private final GpuDriver driver;
    private final Map<KernelEntry, GpuFunction> functions = new EnumMap<>(KernelEntry.class);

    CudaLauncher(String device, GpuDriver driver) {
        this.device = device;
        this.driver = driver;
    }

    GpuFunction function(KernelEntry k) {
        return functions.computeIfAbsent(k, key -> driver.function(key.entry()));
    }

    /** One thread per element 0..n-1 (the kernel ignores threads past n); nothing when n is 0. */
    @Override
    public void items(KernelEntry k, long n, Object... args) {
        if (n <= 0) return;
        GpuFunction f = function(k);
        int threads = Math.min(ITEM_THREADS, f.maxThreads());
        launch(f, new long[] {(n + threads - 1) / threads, 1, 1}, new int[] {threads, 1, 1}, args);
    }

    /** A walk over rows of length elements, one element per thread; the kernel's first two arguments are the thread count and the run (1). */
    @Override
    public void rows(KernelEntry k, long rows, int length, Object... args) {
        if (rows <= 0 || length <= 0) return;
        long items = rows * length;
        Object[] all = new Object[args.length + 2];
        all[0] = Shapes.index(items, k.entry() + " threads");
        all[1] = 1;
        System.arraycopy(args, 0, all, 2, args.length);
        items(k, items, all);
    }

    /** One block per output of a tree reduction (a power of two of threads, at most REDUCE_WG). */
    @Override
    public void groups(KernelEntry k, long groups, Object... args) {
        if (groups <= 0) return;
        GpuFunction f = function(k);
        int threads = Math.min(REDUCE_THREADS, Integer.highestOneBit(f.maxThreads()));
        launch(f, new long[] {groups, 1, 1}, new int[] {threads, 1, 1}, args);
    }

    /** An explicit grid of blocks; nothing when any extent is 0. */
    void grid(KernelEntry k, long[] grid, int[] block, Object... args) {
        for (long g : grid) if (g <= 0) return;
        launch(function(k), grid, block, args);
    }

    private void launch(GpuFunction f, long[] grid, int[] block, Object[] args) {
        if (grid[0] > Integer.MAX_VALUE || grid[1] > MAX_GRID_YZ || grid[2] > MAX_GRID_YZ) {
            throw new DeviceException(device + ": kernel " + f.name() + " needs a grid of " + Arrays.toString(grid)
                    + " blocks, beyond CUDA's limits (2^31 - 1, 65535, 65535)");
        }
        if ((long) block[0] * block[1] * block[2] > f.maxThreads()) {
            throw new DeviceException(device + ": kernel " + f.name() + " allows " + f.maxThreads()
                    + " threads a block on this GPU, not " + Arrays.toString(block));
        }
        Object[] converted = new Object[args.length];
        for (int i = 0; i < args.length; i++) {
            converted[i] = args[i] instanceof Buffer b ? memory(b) : args[i];
        }
        driver.launch(f, new int[] {(int) grid[0], (int) grid[1], (int) grid[2]}, block, converted);
    }

    /** The device memory behind a (checked, open) buffer of this backend. */
    static DeviceMemory memory(Buffer b) {
        return ((CudaBuffer) b).memory();
    }
}
