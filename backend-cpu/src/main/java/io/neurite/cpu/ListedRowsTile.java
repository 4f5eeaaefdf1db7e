package io.neurite.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The 8 x 2-vector register tile over a list of B's rows, which {@link GemmDirect} (the k-steps
 * an 8-row group of A needs, rows of B n apart) and {@link ConvDirect} (each tap's shifted row
 * of the padded image) share: A comes packed, 8 values a step, and B's row for step q starts at
 * {@code bo + rows[from + q] stride}. With halves (256-bit vectors, {@link GemmVector#HALVES})
 * it runs as two 4-row passes, whose eight accumulators fit AVX2's sixteen registers.
 */
final class ListedRowsTile {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int VL = S.length();
    /** Rows of a register tile. */
    static final int MR = 8;

    private ListedRowsTile() {
    }

    /**
     * {@code out[outOff + r ld + v] = sum over q below count of a[ao + q MR + r] b[bo + rows[from + q] stride + v]}
     * for r below 8 and v below 2 vectors.
     */
    static void tile(float[] b, int[] rows, int from, int count, int stride, int bo, float[] a, int ao, float[] out,
                     int outOff, int ld, boolean halves) {
        if (halves) {
            half(b, rows, from, count, stride, bo, a, ao, 0, out, outOff, ld);
            half(b, rows, from, count, stride, bo, a, ao, MR / 2, out, outOff, ld);
        } else {
            whole(b, rows, from, count, stride, bo, a, ao, out, outOff, ld);
        }
    }

    /** Rows [r0, r0 + 4) of {@link #tile}. */
    private static void half(float[] b, int[] rows, int from, int count, int stride, int bo, float[] a, int ao, int r0,
                             float[] out, int outOff, int ld) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        for (int q = from, x = ao + r0; q < from + count; q++, x += MR) {
            int o = bo + rows[q] * stride;
            FloatVector b0 = FloatVector.fromArray(S, b, o), b1 = FloatVector.fromArray(S, b, o + VL);
            FloatVector w = FloatVector.broadcast(S, a[x]);
            c00 = w.fma(b0, c00);
            c01 = w.fma(b1, c01);
            w = FloatVector.broadcast(S, a[x + 1]);
            c10 = w.fma(b0, c10);
            c11 = w.fma(b1, c11);
            w = FloatVector.broadcast(S, a[x + 2]);
            c20 = w.fma(b0, c20);
            c21 = w.fma(b1, c21);
            w = FloatVector.broadcast(S, a[x + 3]);
            c30 = w.fma(b0, c30);
            c31 = w.fma(b1, c31);
        }
        int o = outOff + r0 * ld;
        c00.intoArray(out, o);
        c01.intoArray(out, o + VL);
        c10.intoArray(out, o + ld);
        c11.intoArray(out, o + ld + VL);
        c20.intoArray(out, o + 2 * ld);
        c21.intoArray(out, o + 2 * ld + VL);
        c30.intoArray(out, o + 3 * ld);
        c31.intoArray(out, o + 3 * ld + VL);
    }

    /** {@link #tile} in one pass, for 512-bit vectors. */
    private static void whole(float[] b, int[] rows, int from, int count, int stride, int bo, float[] a, int ao, float[] out,
                              int outOff, int ld) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        FloatVector c40 = c00, c41 = c00, c50 = c00, c51 = c00, c60 = c00, c61 = c00, c70 = c00, c71 = c00;
        for (int q = from; q < from + count; q++, ao += MR) {
            int o = bo + rows[q] * stride;
            FloatVector b0 = FloatVector.fromArray(S, b, o), b1 = FloatVector.fromArray(S, b, o + VL);
            FloatVector w = FloatVector.broadcast(S, a[ao]);
            c00 = w.fma(b0, c00);
            c01 = w.fma(b1, c01);
            w = FloatVector.broadcast(S, a[ao + 1]);
            c10 = w.fma(b0, c10);
            c11 = w.fma(b1, c11);
            w = FloatVector.broadcast(S, a[ao + 2]);
            c20 = w.fma(b0, c20);
            c21 = w.fma(b1, c21);
            w = FloatVector.broadcast(S, a[ao + 3]);
            c30 = w.fma(b0, c30);
            c31 = w.fma(b1, c31);
            w = FloatVector.broadcast(S, a[ao + 4]);
            c40 = w.fma(b0, c40);
            c41 = w.fma(b1, c41);
            w = FloatVector.broadcast(S, a[ao + 5]);
            c50 = w.fma(b0, c50);
            c51 = w.fma(b1, c51);
            w = FloatVector.broadcast(S, a[ao + 6]);
            c60 = w.fma(b0, c60);
            c61 = w.fma(b1, c61);
            w = FloatVector.broadcast(S, a[ao + 7]);
            c70 = w.fma(b0, c70);
            c71 = w.fma(b1, c71);
        }
        int o = outOff;
        c00.intoArray(out, o);
        c01.intoArray(out, o + VL);
        c10.intoArray(out, o + ld);
        c11.intoArray(out, o + ld + VL);
        c20.intoArray(out, o + 2 * ld);
        c21.intoArray(out, o + 2 * ld + VL);
        c30.intoArray(out, o + 3 * ld);
        c31.intoArray(out, o + 3 * ld + VL);
        c40.intoArray(out, o + 4 * ld);
        c41.intoArray(out, o + 4 * ld + VL);
        c50.intoArray(out, o + 5 * ld);
        c51.intoArray(out, o + 5 * ld + VL);
        c60.intoArray(out, o + 6 * ld);
        c61.intoArray(out, o + 6 * ld + VL);
        c70.intoArray(out, o + 7 * ld);
        c71.intoArray(out, o + 7 * ld + VL);
    }
}
