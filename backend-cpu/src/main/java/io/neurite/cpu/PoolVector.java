package io.neurite.cpu;

import io.neurite.device.Pool2dSpec;
import io.neurite.device.Window2d;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Max pooling where no window needs clipping, one vector of output cells at a time. The scalar
 * loop's comparisons are unpredictable on ReLU outputs (half zeros, many ties), and the
 * mispredictions cost more than the work; here each window cell is a gather of one candidate
 * per output lane, kept or not with a blend, so there are no branches. The outputs of a plane
 * are numbered flat, so short rows (5 cells) still fill the lanes. Same ties (the first cell in
 * row-major order) and NaN rule (the first NaN wins) as {@link CpuPool}. Loaded only when
 * {@link VectorSupport#AVAILABLE}.
 */
final class PoolVector {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;

    private PoolVector() {
    }

    /** y (and indices, if not null) for planes [from, to) of an unpadded spec whose windows all lie inside the image. */
    static void maxForward(Pool2dSpec s, float[] x, float[] y, int[] indices, int from, int to, int[] firstCell) {
        Window2d win = s.window();
        int kh = win.kernelH(), kw = win.kernelW(), w = s.w(), inPlane = s.h() * w, outPlane = win.outH() * win.outW();
        // one call per plane, so the JIT compiles the plane loop after a few batches rather than a few hundred
        for (int plane = from; plane < to; plane++) plane(x, y, indices, plane * inPlane, plane * outPlane, outPlane, kh, kw, w, firstCell);
    }

    private static void plane(float[] x, float[] y, int[] indices, int base, int out, int outPlane, int kh, int kw, int w, int[] firstCell) {
        for (int o = 0; o < outPlane; o += S.length()) {
            VectorMask<Float> m = S.indexInRange(o, outPlane);
            IntVector first = IntVector.fromArray(I, firstCell, o).add(base);
            FloatVector best = FloatVector.fromArray(S, x, base, firstCell, o, m);
            IntVector at = first;
            for (int ky = 0; ky < kh; ky++) {
                for (int kx = ky == 0 ? 1 : 0; kx < kw; kx++) {
                    int d = ky * w + kx;
                    FloatVector v = FloatVector.fromArray(S, x, base + d, firstCell, o, m);
                    // v > best, or v NaN and best not: the same as !(v <= best) while best is not NaN
                    VectorMask<Float> wins = v.compare(VectorOperators.LE, best).not().and(best.compare(VectorOperators.EQ, best));
                    best = best.blend(v, wins);
                    at = at.blend(first.add(d), wins.cast(I));
                }
            }
            best.intoArray(y, out + o, m);
            if (indices != null) at.intoArray(indices, out + o, m.cast(I));
        }
    }

    /** The offset in its plane of each output cell's first window cell, padded with zeros to whole vectors. */
    static int[] firstCells(Window2d win, int w) {
        int outPlane = win.outH() * win.outW();
        int[] first = new int[Math.ceilDiv(Math.max(1, outPlane), S.length()) * S.length()];
        for (int o = 0; o < outPlane; o++) first[o] = (o / win.outW()) * win.strideH() * w + (o % win.outW()) * win.strideW();
        return first;
    }
}
