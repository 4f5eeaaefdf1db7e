package io.neurite.opencl;

import io.neurite.device.Buffer;
import io.neurite.kernels.CommonKernels;
import org.jocl.cl_mem;

/**
 * The OpenCL op set: the shared {@link CommonKernels} (the kernels, argument lists and plans both
 * GPU backends share) on this device's queue, with its {@code cl_mem}s, its per-use
 * {@link ClScratch} buffers and the GEMM of its {@link GemmVariant}.
 */
final class OpenClKernels extends CommonKernels<cl_mem> {
    private final OpenClDevice d;

    OpenClKernels(OpenClDevice d) {
        super(d, d.launcher());
        this.d = d;
    }

    @Override
    protected cl_mem memory(Buffer b) {
        return ((OpenClBuffer) b).mem();
    }

    @Override
    protected void fillWords(cl_mem memory, int pattern, long words) {
        d.fill(memory, pattern, words * 4);
    }

    @Override
    protected cl_mem placeholder() {
        return d.scratch().placeholder();
    }

    @Override
    protected cl_mem scratch(Scratch use, long floats) {
        ClScratch.Slot slot = switch (use) {
            case CONV_COLUMNS -> ClScratch.Slot.CONV_COLUMNS;
            case CONV_PARTIAL -> ClScratch.Slot.CONV_PARTIAL;
            case CONV_SUM -> ClScratch.Slot.CONV_SUM;
        };
        return d.scratch().floats(slot, floats);
    }

    @Override
    protected void recycle(cl_mem scratch) {
        // each use keeps its buffer for the next op: nothing to give back
    }

    @Override
    protected void gemm(boolean ta, boolean tb, int batch, int m, int n, int k, float alpha, cl_mem a, int aOff, int sa,
                        cl_mem b, int bOff, int sb, float beta, cl_mem c, int cOff, int sc) {
        ClGemm.run(d, ta, tb, batch, m, n, k, alpha, a, aOff, sa, b, bOff, sb, beta, c, cOff, sc);
    }
}
