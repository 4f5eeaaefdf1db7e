package io.neurite.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The direct path for products one to two vectors wide (a classifier's 10 logits from 84, 128 or
 * 200 features): four rows of op(A) read where they lie, against two vectors of each B row, the
 * first at the left edge and the second ending at the right one (they overlap when the width is
 * not two whole vectors, and compute the shared columns identically). The groups of 8 packed A
 * first and ran a one-vector tile twice, once over a zero-padded copy of the last columns, so
 * packing was as costly as the arithmetic: MNIST's 256 x 10 x 200 took about 80 us.
 *
 * <p>The vectors are 256-bit whatever the host's widest, so 8 to 16 columns qualify everywhere:
 * with AVX-512's 16 lanes a 10-wide product is narrower than one vector and went to the groups of
 * 8 (256 x 10 x 200 in 65-80 us on a 2-core Zen 4, MNIST's MLP evaluating at about 380k images/s).
 * Hosts whose widest vectors are narrower than 256 bits leave these products to the groups.
 */
final class GemmNarrow {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;
    private static final int VL = S.length();
    /** Whether the host runs 256-bit vectors natively (not as the Vector API's Java fallback). */
    private static final boolean NATIVE = FloatVector.SPECIES_PREFERRED.length() >= VL;
    private static final int ROWS = 4;

    private GemmNarrow() {
    }

    /** Whether columns [j0, j1) are narrow enough for {@link #direct}: one to two 256-bit vectors, 8 to 16 columns. */
    static boolean fits(int j0, int j1) {
        return NATIVE && j1 - j0 >= VL && j1 - j0 <= 2 * VL;
    }

    /** Rows [i0, i1) by columns [j0, j1) of C ({@link #fits}), B not transposed. */
    static void direct(GemmArgs g, int i0, int i1, int j0, int j1) {
        int w = j1 - j0, ld = 2 * VL;
        float[] tile = GemmPack.Workspace.get().tile(ROWS * ld);
        for (int i = i0; i < i1; i += ROWS) {
            int rows = Math.min(ROWS, i1 - i);
            quad(g, i, rows - 1, j0, j1 - VL, tile, w - VL);
            GemmVector.merge(tile, 0, ld, g.c(), g.cOff() + i * g.n() + j0, g.n(), rows, w, g.alpha(), g.beta());
        }
    }

    /**
     * Rows i to i + 3 (a partial group repeats row i + last) against the vectors of B at columns
     * first and second, into tile rows 2 VL apart: the first vector at 0, the second at at2.
     */
    private static void quad(GemmArgs g, int i, int last, int first, int second, float[] tile, int at2) {
        float[] a = g.a(), b = g.b();
        int n = g.n(), k = g.k(), kStep = g.ta() ? g.m() : 1, ld = 2 * VL;
        int o0 = g.aIndex(i, 0), o1 = g.aIndex(i + Math.min(1, last), 0);
        int o2 = g.aIndex(i + Math.min(2, last), 0), o3 = g.aIndex(i + Math.min(3, last), 0);
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        for (int p = 0, q = 0, b0 = g.bIndex(0, first), b1 = g.bIndex(0, second); p < k; p++, q += kStep, b0 += n, b1 += n) {
            FloatVector v0 = FloatVector.fromArray(S, b, b0), v1 = FloatVector.fromArray(S, b, b1);
            FloatVector x = FloatVector.broadcast(S, a[o0 + q]);
            c00 = x.fma(v0, c00);
            c01 = x.fma(v1, c01);
            x = FloatVector.broadcast(S, a[o1 + q]);
            c10 = x.fma(v0, c10);
            c11 = x.fma(v1, c11);
            x = FloatVector.broadcast(S, a[o2 + q]);
            c20 = x.fma(v0, c20);
            c21 = x.fma(v1, c21);
            x = FloatVector.broadcast(S, a[o3 + q]);
            c30 = x.fma(v0, c30);
            c31 = x.fma(v1, c31);
        }
        // the second vector last, so where the two overlap its (identical) sums are the ones left
        c00.intoArray(tile, 0);
        c10.intoArray(tile, ld);
        c20.intoArray(tile, 2 * ld);
        c30.intoArray(tile, 3 * ld);
        c01.intoArray(tile, at2);
        c11.intoArray(tile, ld + at2);
        c21.intoArray(tile, 2 * ld + at2);
        c31.intoArray(tile, 3 * ld + at2);
    }
}
