package io.neurite.cuda;

import io.neurite.kernels.KernelEntry;
import io.neurite.kernels.Shapes;
import io.neurite.kernels.gpu.GpuDevice;
import io.neurite.kernels.gpu.GpuDriver.DeviceMemory;
import io.neurite.kernels.gpu.GpuGemm;

/**
 * GEMM on the PTX kernels: gemm_large (128 x 128 tiles, 8 x 8 per thread), gemm_tf32 (the same
 * tiles on TF32 tensor cores) or gemm_tiled (64 x 64), as the {@link GemmPolicy} picks. The batch
 * is the grid's z extent, so batches beyond CUDA's 65535 go in slices, each with its operands'
 * offsets advanced.
 *
 * @param policy      which kernel a product gets
 * @param tensorCores whether TF32 is allowed ({@value CublasGemm#TF32_PROPERTY}) and the GPU has it
 *                    (compute capability 8.0 or newer), so {@link GemmPolicy#AUTO} may take gemm_tf32
 */
record CudaGemm(GemmPolicy policy, boolean tensorCores) implements GpuGemm {
    /** GEMM_THREADS of neurite.cu: gemm_tiled runs blocks of GEMM_THREADS x GEMM_THREADS. */
    static final int GEMM_THREADS = 16;
    static final int LARGE_TILE = 128;
    static final int LARGE_THREADS = 256;
    static final int TILED_TILE = 4 * GEMM_THREADS;
    /** The oldest compute capability with TF32 mma.sync (Ampere), as major * 10 + minor. */
    static final int TF32_CAPABILITY = 80;

    @Override
    public void run(GpuDevice d, boolean ta, boolean tb, int batch, int m, int n, int k, float alpha, DeviceMemory a, int aOff,
                    int sa, DeviceMemory b, int bOff, int sb, float beta, DeviceMemory c, int cOff, int sc) {
        if (batch == 0 || m == 0 || n == 0) return;
        KernelEntry kernel = policy.kernel(m, n, batch, d.multiprocessors(), tensorCores);
        boolean tiled = kernel == KernelEntry.GEMM_TILED; // gemm_large and gemm_tf32 share their tiles and blocks
        int tile = tiled ? TILED_TILE : LARGE_TILE;
        int[] block = tiled ? new int[] {GEMM_THREADS, GEMM_THREADS, 1} : new int[] {LARGE_THREADS, 1, 1};
        long gx = (n + tile - 1) / tile, gy = (m + tile - 1) / tile;
        int slice = (int) Math.min(Integer.MAX_VALUE, d.launcher().maxGridYZ());
        for (int q0 = 0; q0 < batch; q0 += slice) {
            int count = Math.min(slice, batch - q0);
            d.launcher().grid(kernel, new long[] {gx, gy, count}, block, ta, tb, m, n, k, alpha,
                    a, Shapes.index(aOff + (long) q0 * sa, "GEMM A offset"), sa,
                    b, Shapes.index(bOff + (long) q0 * sb, "GEMM B offset"), sb, beta,
                    c, Shapes.index(cOff + (long) q0 * sc, "GEMM C offset"), sc);
        }
    }

    @Override
    public String describe() {
        return policy.describe(tensorCores);
    }
}
