package io.neurite.cuda;

import io.neurite.cuda.GpuDriver.DeviceMemory;
import io.neurite.kernels.KernelEntry;
import io.neurite.kernels.Shapes;

/**
 * GEMM on the PTX kernels: {@code C = alpha op(A) op(B) + beta C} for each of batch products,
 * operands at element offsets with a per-product stride (0 shares one matrix). Convolution calls
 * it on scratch memory too, so it takes device memory rather than buffers. The batch is the grid's
 * z extent, so batches beyond CUDA's 65535 go in slices, each with its operands' offsets advanced.
 * The choice between gemm_large and gemm_tiled is {@link GemmPolicy}'s.
 */
final class CudaGemm {
    static final int LARGE_TILE = 128;
    static final int LARGE_THREADS = 256;
    static final int TILED_TILE = 4 * CudaLauncher.GEMM_THREADS;

    private CudaGemm() {
    }

    /** One batched product; arguments were checked by the SPI. */
    static void run(CudaDevice d, boolean ta, boolean tb, int batch, int m, int n, int k, float alpha,
                    DeviceMemory a, int aOff, int sa, DeviceMemory b, int bOff, int sb, float beta, DeviceMemory c, int cOff,
                    int sc) {
        if (batch == 0 || m == 0 || n == 0) return;
        boolean large = d.gemmPolicy().large(m, n, batch, d.multiprocessors());
        KernelEntry kernel = large ? KernelEntry.GEMM_LARGE : KernelEntry.GEMM_TILED;
        int tile = large ? LARGE_TILE : TILED_TILE;
        int[] block = large ? new int[] {LARGE_THREADS, 1, 1} : new int[] {CudaLauncher.GEMM_THREADS, CudaLauncher.GEMM_THREADS, 1};
        long gx = (n + tile - 1) / tile, gy = (m + tile - 1) / tile;
        for (int q0 = 0; q0 < batch; q0 += CudaLauncher.MAX_GRID_YZ) {
            int count = Math.min(CudaLauncher.MAX_GRID_YZ, batch - q0);
            d.launcher().grid(kernel, new long[] {gx, gy, count}, block, ta, tb, m, n, k, alpha,
                    a, Shapes.index(aOff + (long) q0 * sa, "GEMM A offset"), sa,
                    b, Shapes.index(bOff + (long) q0 * sb, "GEMM B offset"), sb, beta,
                    c, Shapes.index(cOff + (long) q0 * sc, "GEMM C offset"), sc);
        }
    }
}
