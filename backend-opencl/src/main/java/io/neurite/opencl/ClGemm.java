package io.neurite.opencl;

import io.neurite.kernels.KernelEntry;
import io.neurite.kernels.Shapes;
import org.jocl.cl_mem;

/**
 * GEMM on the device's {@link GemmVariant}: {@code C = alpha op(A) op(B) + beta C} for each of
 * batch products, operands at element offsets with a per-product stride (0 shares one matrix).
 * Convolution calls it on scratch memory too, so it takes {@code cl_mem}s rather than buffers.
 */
final class ClGemm {
    private ClGemm() {
    }

    /** One batched product; arguments were checked by the SPI. */
    static void run(OpenClDevice d, boolean ta, boolean tb, int batch, int m, int n, int k, float alpha,
                    cl_mem a, int aOff, int sa, cl_mem b, int bOff, int sb, float beta, cl_mem c, int cOff, int sc) {
        if (batch == 0 || m == 0 || n == 0) return;
        if (d.tuning.gemm() == GemmVariant.TILED) {
            long t = d.ctx.gemmThreads, tile = 4 * t;
            d.launcher().grid(KernelEntry.GEMM_TILED, new long[] {(n + tile - 1) / tile * t, (m + tile - 1) / tile * t, batch},
                    new long[] {t, t, 1}, ta, tb, m, n, k, alpha, a, aOff, sa, b, bOff, sb, beta, c, cOff, sc);
            return;
        }
        int mr = d.ctx.gemmMr, nr = d.ctx.gemmNr;
        int mPanels = (m + mr - 1) / mr, nPanels = (n + nr - 1) / nr;
        // A shared operand (stride 0) is packed once for the whole batch
        int packA = Shapes.index((long) mPanels * mr * k, "packed A"), packB = Shapes.index((long) nPanels * nr * k, "packed B");
        int batchesA = sa == 0 ? 1 : batch, batchesB = sb == 0 ? 1 : batch;
        cl_mem pa = d.scratch().floats(ClScratch.Slot.GEMM_A, Shapes.index((long) packA * batchesA, "packed A of the batch"));
        cl_mem pb = d.scratch().floats(ClScratch.Slot.GEMM_B, Shapes.index((long) packB * batchesB, "packed B of the batch"));
        pack(d, mr, m, k, !ta, a, aOff, sa, pa, packA, batchesA);
        pack(d, nr, n, k, tb, b, bOff, sb, pb, packB, batchesB);
        ClLauncher.Kernel kernel = d.launcher().kernel(KernelEntry.GEMM_PACKED.entry());
        long local = Math.min(kernel.maxGroup(), 16);
        d.launcher().grid(KernelEntry.GEMM_PACKED, new long[] {ClLauncher.roundUp(nPanels, local), mPanels, batch},
                new long[] {local, 1, 1}, m, n, k, alpha, pa, sa == 0 ? 0 : packA, pb, sb == 0 ? 0 : packB, beta, c, cOff, sc);
    }

    /** One item per (panel, depth index), writing that panel row's width values. */
    private static void pack(OpenClDevice d, int width, int rows, int depth, boolean rowMajor, cl_mem src, int off, int stride,
                             cl_mem packed, int packedLength, int batches) {
        if (packedLength == 0) return;
        long local = d.launcher().kernel(KernelEntry.GEMM_PACK.entry()).itemGroup();
        long items = (long) packedLength / width;
        d.launcher().grid(KernelEntry.GEMM_PACK, new long[] {ClLauncher.roundUp(items, local), 1, batches},
                new long[] {local, 1, 1}, width, rows, depth, rowMajor, src, off, stride, packed, packedLength);
    }
}
