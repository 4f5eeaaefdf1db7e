package io.neurite.opencl;

import io.neurite.kernels.KernelEntry;
import io.neurite.kernels.Shapes;
import io.neurite.kernels.gpu.GpuDevice;
import io.neurite.kernels.gpu.GpuDriver.DeviceMemory;
import io.neurite.kernels.gpu.GpuGemm;

/**
 * GEMM on the device's {@link GemmVariant}: local-memory tiles on a GPU, or packed panels and
 * vector registers on a CPU driver (each batch's operands packed into scratch from the device's
 * allocator first, then given back once the product is queued: the queue is in order).
 *
 * @param ctx     the device's context, for the block sizes its program was built with
 * @param variant which kernel the device runs
 */
record ClGemm(ClContext ctx, GemmVariant variant) implements GpuGemm {
    @Override
    public void run(GpuDevice d, boolean ta, boolean tb, int batch, int m, int n, int k, float alpha, DeviceMemory a, int aOff,
                    int sa, DeviceMemory b, int bOff, int sb, float beta, DeviceMemory c, int cOff, int sc) {
        if (batch == 0 || m == 0 || n == 0) return;
        if (variant == GemmVariant.TILED) {
            int t = ctx.gemmThreads, tile = 4 * t;
            d.launcher().grid(KernelEntry.GEMM_TILED, new long[] {(n + tile - 1) / tile, (m + tile - 1) / tile, batch},
                    new int[] {t, t, 1}, ta, tb, m, n, k, alpha, a, aOff, sa, b, bOff, sb, beta, c, cOff, sc);
            return;
        }
        int mr = ctx.gemmMr, nr = ctx.gemmNr;
        int mPanels = (m + mr - 1) / mr, nPanels = (n + nr - 1) / nr;
        // A shared operand (stride 0) is packed once for the whole batch
        int packA = Shapes.index((long) mPanels * mr * k, "packed A"), packB = Shapes.index((long) nPanels * nr * k, "packed B");
        int batchesA = sa == 0 ? 1 : batch, batchesB = sb == 0 ? 1 : batch;
        DeviceMemory pa = d.scratch(Shapes.index((long) packA * batchesA, "packed A of the batch"));
        DeviceMemory pb = d.scratch(Shapes.index((long) packB * batchesB, "packed B of the batch"));
        try {
            pack(d, mr, m, k, !ta, a, aOff, sa, pa, packA, batchesA);
            pack(d, nr, n, k, tb, b, bOff, sb, pb, packB, batchesB);
            int local = Math.min(d.launcher().function(KernelEntry.GEMM_PACKED).maxThreads(), 16);
            d.launcher().grid(KernelEntry.GEMM_PACKED, new long[] {(nPanels + local - 1) / local, mPanels, batch},
                    new int[] {local, 1, 1}, m, n, k, alpha, pa, sa == 0 ? 0 : packA, pb, sb == 0 ? 0 : packB, beta, c, cOff, sc);
        } finally {
            d.recycle(pa);
            d.recycle(pb);
        }
    }

    /** One thread per (panel, depth index), writing that panel row's width values. */
    private static void pack(GpuDevice d, int width, int rows, int depth, boolean rowMajor, DeviceMemory src, int off, int stride,
                             DeviceMemory packed, int packedLength, int batches) {
        if (packedLength == 0) return;
        int local = d.launcher().itemThreads(KernelEntry.GEMM_PACK);
        long items = (long) packedLength / width;
        d.launcher().grid(KernelEntry.GEMM_PACK, new long[] {(items + local - 1) / local, 1, batches},
                new int[] {local, 1, 1}, width, rows, depth, rowMajor, src, off, stride, packed, packedLength);
    }

    @Override
    public String describe() {
        return variant.describe(ctx);
    }
}
