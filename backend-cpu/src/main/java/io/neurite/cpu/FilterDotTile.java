package io.neurite.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register tile of {@link ConvDirect}'s filter gradient: 4 x 4 dot products, kept as per-lane
 * partial sums. With 256-bit vectors ({@link GemmVector#HALVES}) it runs as two 2 x 4 halves,
 * whose eight accumulators fit AVX2's sixteen registers; with 512-bit vectors whole, each loaded
 * vector feeding four multiply-adds instead of two: on a Zen 4 (AVX-512) LeNet's filter
 * gradients took 0.30 and 0.66-0.73 ms whole against 0.38-0.39 and 0.88-0.89 ms in halves
 * ({@code bench conv}, two threads), and LeNet trained at a median 13.5k against 12.4k images/s
 * (4 alternating runs each); VGG's layers were the same either way within the noise.
 */
final class FilterDotTile {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int VL = S.length();
    /** Rows and taps of a tile. */
    static final int DT = 4;

    private FilterDotTile() {
    }

    /**
     * A 4 x 4 tile of dot products over len columns of each of count images, added lane by lane
     * into the 16 vectors of lanes at lo (row i, tap k at {@code lo + (i DT + k) VL}): rows
     * a[aOff[a0 + i]..] against b[bOff[b0 + k]..], the images aStride and bStride apart; in two
     * halves or whole (the callers pass {@link GemmVector#HALVES}; tests both).
     */
    static void dots(float[] a, int[] aOff, int a0, int aStride, float[] b, int[] bOff, int b0, int bStride,
                     int count, int len, float[] lanes, int lo, boolean halves) {
        if (!halves) {
            whole(a, aOff, a0, aStride, b, bOff, b0, bStride, count, len, lanes, lo);
            return;
        }
        half(a, aOff, a0, aStride, b, bOff, b0, bStride, count, len, lanes, lo);
        half(a, aOff, a0 + DT / 2, aStride, b, bOff, b0, bStride, count, len, lanes, lo + DT / 2 * DT * VL);
    }

    /** {@link #dots} in one pass, for 512-bit vectors. */
    private static void whole(float[] a, int[] aOff, int a0, int aStride, float[] b, int[] bOff, int b0, int bStride,
                              int count, int len, float[] lanes, int lo) {
        FloatVector s00 = FloatVector.fromArray(S, lanes, lo), s01 = FloatVector.fromArray(S, lanes, lo + VL);
        FloatVector s02 = FloatVector.fromArray(S, lanes, lo + 2 * VL), s03 = FloatVector.fromArray(S, lanes, lo + 3 * VL);
        FloatVector s10 = FloatVector.fromArray(S, lanes, lo + 4 * VL), s11 = FloatVector.fromArray(S, lanes, lo + 5 * VL);
        FloatVector s12 = FloatVector.fromArray(S, lanes, lo + 6 * VL), s13 = FloatVector.fromArray(S, lanes, lo + 7 * VL);
        FloatVector s20 = FloatVector.fromArray(S, lanes, lo + 8 * VL), s21 = FloatVector.fromArray(S, lanes, lo + 9 * VL);
        FloatVector s22 = FloatVector.fromArray(S, lanes, lo + 10 * VL), s23 = FloatVector.fromArray(S, lanes, lo + 11 * VL);
        FloatVector s30 = FloatVector.fromArray(S, lanes, lo + 12 * VL), s31 = FloatVector.fromArray(S, lanes, lo + 13 * VL);
        FloatVector s32 = FloatVector.fromArray(S, lanes, lo + 14 * VL), s33 = FloatVector.fromArray(S, lanes, lo + 15 * VL);
        for (int img = 0; img < count; img++) {
            int a0o = aOff[a0] + img * aStride, a1o = aOff[a0 + 1] + img * aStride;
            int a2o = aOff[a0 + 2] + img * aStride, a3o = aOff[a0 + 3] + img * aStride;
            int b0o = bOff[b0] + img * bStride, b1o = bOff[b0 + 1] + img * bStride;
            int b2o = bOff[b0 + 2] + img * bStride, b3o = bOff[b0 + 3] + img * bStride;
            for (int j = 0; j < len; j += VL) {
            FloatVector x0 = FloatVector.fromArray(S, b, b0o + j), x1 = FloatVector.fromArray(S, b, b1o + j);
            FloatVector x2 = FloatVector.fromArray(S, b, b2o + j), x3 = FloatVector.fromArray(S, b, b3o + j);
            FloatVector d = FloatVector.fromArray(S, a, a0o + j);
            s00 = d.fma(x0, s00);
            s01 = d.fma(x1, s01);
            s02 = d.fma(x2, s02);
            s03 = d.fma(x3, s03);
            d = FloatVector.fromArray(S, a, a1o + j);
            s10 = d.fma(x0, s10);
            s11 = d.fma(x1, s11);
            s12 = d.fma(x2, s12);
            s13 = d.fma(x3, s13);
            d = FloatVector.fromArray(S, a, a2o + j);
            s20 = d.fma(x0, s20);
            s21 = d.fma(x1, s21);
            s22 = d.fma(x2, s22);
            s23 = d.fma(x3, s23);
            d = FloatVector.fromArray(S, a, a3o + j);
            s30 = d.fma(x0, s30);
            s31 = d.fma(x1, s31);
            s32 = d.fma(x2, s32);
            s33 = d.fma(x3, s33);
            }
        }
        s00.intoArray(lanes, lo);
        s01.intoArray(lanes, lo + VL);
        s02.intoArray(lanes, lo + 2 * VL);
        s03.intoArray(lanes, lo + 3 * VL);
        s10.intoArray(lanes, lo + 4 * VL);
        s11.intoArray(lanes, lo + 5 * VL);
        s12.intoArray(lanes, lo + 6 * VL);
        s13.intoArray(lanes, lo + 7 * VL);
        s20.intoArray(lanes, lo + 8 * VL);
        s21.intoArray(lanes, lo + 9 * VL);
        s22.intoArray(lanes, lo + 10 * VL);
        s23.intoArray(lanes, lo + 11 * VL);
        s30.intoArray(lanes, lo + 12 * VL);
        s31.intoArray(lanes, lo + 13 * VL);
        s32.intoArray(lanes, lo + 14 * VL);
        s33.intoArray(lanes, lo + 15 * VL);
    }

    /**
     * Rows a0 and a0 + 1 of {@link #dots}' tile: eight accumulators, which fit AVX2's sixteen
     * registers. The whole 4 x 4 tile's sixteen spilled there (as the GEMM's, see
     * {@link GemmVector#HALVES}); in halves LeNet's filter gradients took 636-719 against 814-855 us
     * (conv1) and 1,304-1,541 against 1,555-1,827 us (conv2) on one thread of a Zen 2.
     */
    private static void half(float[] a, int[] aOff, int a0, int aStride, float[] b, int[] bOff, int b0, int bStride,
                                 int count, int len, float[] lanes, int lo) {
        FloatVector s00 = FloatVector.fromArray(S, lanes, lo), s01 = FloatVector.fromArray(S, lanes, lo + VL);
        FloatVector s02 = FloatVector.fromArray(S, lanes, lo + 2 * VL), s03 = FloatVector.fromArray(S, lanes, lo + 3 * VL);
        FloatVector s10 = FloatVector.fromArray(S, lanes, lo + 4 * VL), s11 = FloatVector.fromArray(S, lanes, lo + 5 * VL);
        FloatVector s12 = FloatVector.fromArray(S, lanes, lo + 6 * VL), s13 = FloatVector.fromArray(S, lanes, lo + 7 * VL);
        for (int img = 0; img < count; img++) {
            int a0o = aOff[a0] + img * aStride, a1o = aOff[a0 + 1] + img * aStride;
            int b0o = bOff[b0] + img * bStride, b1o = bOff[b0 + 1] + img * bStride;
            int b2o = bOff[b0 + 2] + img * bStride, b3o = bOff[b0 + 3] + img * bStride;
            for (int j = 0; j < len; j += VL) {
                FloatVector x0 = FloatVector.fromArray(S, b, b0o + j), x1 = FloatVector.fromArray(S, b, b1o + j);
                FloatVector x2 = FloatVector.fromArray(S, b, b2o + j), x3 = FloatVector.fromArray(S, b, b3o + j);
                FloatVector d = FloatVector.fromArray(S, a, a0o + j);
                s00 = d.fma(x0, s00);
                s01 = d.fma(x1, s01);
                s02 = d.fma(x2, s02);
                s03 = d.fma(x3, s03);
                d = FloatVector.fromArray(S, a, a1o + j);
                s10 = d.fma(x0, s10);
                s11 = d.fma(x1, s11);
                s12 = d.fma(x2, s12);
                s13 = d.fma(x3, s13);
            }
        }
        s00.intoArray(lanes, lo);
        s01.intoArray(lanes, lo + VL);
        s02.intoArray(lanes, lo + 2 * VL);
        s03.intoArray(lanes, lo + 3 * VL);
        s10.intoArray(lanes, lo + 4 * VL);
        s11.intoArray(lanes, lo + 5 * VL);
        s12.intoArray(lanes, lo + 6 * VL);
        s13.intoArray(lanes, lo + 7 * VL);
    }
}
