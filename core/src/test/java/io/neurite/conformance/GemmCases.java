package io.neurite.conformance;

import io.neurite.device.Buffer;
import io.neurite.device.Op;
import io.neurite.device.PreparedGemmB;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@link Op#GEMM} and {@link Op#GEMM_BATCHED}: all four transpose combinations on awkward m, n, k
 * (sizes that fill no vector or tile evenly), one product large enough for blocking, threading
 * and edge tiles (300 x 257 x 513), k = 0 (C = beta C), empty outputs, alpha 0, and beta 0 over a C
 * full of NaN (which must be ignored, as in BLAS). Batched cases share A or B through a stride
 * of 0, leave gaps between the C matrices (which must come back untouched), and include a batch
 * of many small products (which a backend may spread over threads by item).
 *
 * <p>Inputs are uniform in [-1, 1]. Tolerance: each output is a dot product of k terms summed in
 * another order than the double reference, with alpha folded in anywhere; float32 drifts by about
 * k * 6e-8 relative in the worst case and far less typically, so {@link Tolerance#REDUCTION} holds
 * up to k = 256 and the absolute part then grows in proportion to k ({@link #tolerance}).
 */
final class GemmCases {
    private static final float ALPHA = 1.5f, BETA = -0.75f;

    private GemmCases() {
    }

    /** {@link Tolerance#REDUCTION}, with the absolute part scaled by k / 256 beyond k = 256. */
    static Tolerance tolerance(int k) {
        return k <= 256 ? Tolerance.REDUCTION : new Tolerance(1e-4 * k / 256, 1e-4);
    }

    static List<OpCase> cases() {
        List<OpCase> all = new ArrayList<>();
        int[][] shapes = {{1, 1, 1}, {3, 7, 17}, {17, 3, 7}, {7, 129, 33}, {33, 17, 129}, {129, 33, 3}, {1, 129, 33},
            {129, 1, 17}, {33, 33, 33}};
        long seed = 100;
        for (int t = 0; t < 4; t++) {
            boolean ta = (t & 1) != 0, tb = (t & 2) != 0;
            for (int[] s : shapes) all.add(gemm(ta, tb, s[0], s[1], s[2], ALPHA, BETA, seed++));
            all.add(gemm(ta, tb, 300, 257, 513, ALPHA, BETA, seed++));
            all.add(gemm(ta, tb, 17, 33, 7, -0.5f, 0f, seed++));
        }
        all.add(gemm(false, false, 129, 129, 129, 1f, 1f, seed++));
        all.add(gemm(false, true, 7, 17, 0, ALPHA, BETA, seed++));
        all.add(gemm(false, false, 7, 17, 0, ALPHA, 0f, seed++));
        all.add(gemm(true, false, 33, 7, 17, 0f, BETA, seed++));
        all.add(gemm(false, false, 0, 17, 7, ALPHA, BETA, seed++));
        all.add(gemm(false, false, 3, 1, 300, ALPHA, BETA, seed++));
        all.add(tf32Inputs(300, 257, 513, seed++));

        // B prepared once for two products: shapes as above, one past the CPU's 1024-step and
        // 1024-column blocks (split by columns over threads across a block edge), rows below an
        // 8-row tile, and the recurrent layers' shapes
        int[][] prepared = {{3, 7, 17}, {33, 17, 129}, {129, 33, 3}, {9, 1030, 1100}, {2, 33, 17}, {64, 512, 128}, {64, 128, 512}};
        for (int t = 0; t < 4; t++) {
            boolean ta = (t & 1) != 0, tb = (t & 2) != 0;
            for (int[] s : prepared) all.add(prepared(ta, tb, s[0], s[1], s[2], ALPHA, BETA, seed++));
        }
        all.add(prepared(false, false, 17, 33, 7, -0.5f, 0f, seed++));
        all.add(prepared(false, false, 17, 33, 0, ALPHA, BETA, seed++));
        all.add(prepared(true, false, 33, 7, 17, 0f, BETA, seed++));

        // batch, m, n, k, strideA, strideB, strideC (-1: the matrix's own size), transposes
        all.add(batched(false, false, 3, 7, 17, 33, -1, -1, -1, seed++));
        all.add(batched(true, false, 3, 17, 33, 7, 0, -1, -1, seed++));
        all.add(batched(false, true, 4, 33, 7, 17, -1, 0, -1, seed++));
        all.add(batched(true, true, 3, 7, 3, 129, -1, -1, 7 * 3 + 5, seed++));
        all.add(batched(false, false, 2, 129, 129, 33, 0, -1, -1, seed++));
        all.add(batched(false, true, 17, 33, 33, 33, 0, -1, 33 * 33 + 3, seed++));
        all.add(batched(true, false, 1, 129, 33, 17, -1, -1, -1, seed++));
        all.add(batched(false, false, 3, 17, 7, 0, -1, -1, -1, seed++));
        return all;
    }

    static List<GradCase> gradients() {
        return List.of();
    }

    private static String name(boolean ta, boolean tb, int m, int n, int k, float alpha, float beta) {
        return (ta ? "T" : "N") + (tb ? "T" : "N") + " " + m + "x" + n + "x" + k + " alpha " + alpha + " beta " + beta;
    }

    private static OpCase gemm(boolean ta, boolean tb, int m, int n, int k, float alpha, float beta, long seed) {
        float[] a = Inputs.uniform(seed, m * k, -1, 1), b = Inputs.uniform(seed + 1000, k * n, -1, 1);
        float[] c = initialC(seed + 2000, m * n, beta);
        return new OpCase(Op.GEMM, name(ta, tb, m, n, k, alpha, beta), tolerance(k), d -> {
            try (Scratch s = new Scratch(d)) {
                Buffer cb = s.upload(c);
                d.ops().gemm(ta, tb, m, n, k, alpha, s.upload(a), s.upload(b), beta, cb);
                return new float[][] {s.read(cb)};
            }
        }, () -> new double[][] {reference(ta, tb, 1, m, n, k, alpha, a, 0, b, 0, beta, c, 0)});
    }

    /**
     * {@link io.neurite.device.Kernels#prepareGemmB}: one prepared B multiplied by two A's (of m
     * and m + 5 rows), as a recurrent layer multiplies every step's state by one U.
     */
    private static OpCase prepared(boolean ta, boolean tb, int m, int n, int k, float alpha, float beta, long seed) {
        int m2 = m + 5;
        float[] a = Inputs.uniform(seed, m * k, -1, 1), a2 = Inputs.uniform(seed + 3000, m2 * k, -1, 1);
        float[] b = Inputs.uniform(seed + 1000, k * n, -1, 1);
        float[] c = initialC(seed + 2000, m * n, beta), c2 = initialC(seed + 4000, m2 * n, beta);
        return new OpCase(Op.GEMM, "prepared B " + name(ta, tb, m, n, k, alpha, beta) + ", then " + m2 + " rows", tolerance(k), d -> {
            try (Scratch s = new Scratch(d); PreparedGemmB pb = d.ops().prepareGemmB(tb, k, n, s.upload(b))) {
                Buffer cb = s.upload(c), cb2 = s.upload(c2);
                d.ops().gemm(ta, m, alpha, s.upload(a), pb, beta, cb);
                d.ops().gemm(ta, m2, alpha, s.upload(a2), pb, beta, cb2);
                return new float[][] {s.read(cb), s.read(cb2)};
            }
        }, () -> new double[][] {reference(ta, tb, 1, m, n, k, alpha, a, 0, b, 0, beta, c, 0),
            reference(ta, tb, 1, m2, n, k, alpha, a2, 0, b, 0, beta, c2, 0)});
    }

    /**
     * What a TF32 GEMM computes, as far as a device without tensor cores can show it: the product
     * of inputs rounded to TF32, held to {@link Tolerance#tf32} against the FP32 inputs' exact
     * product. A device that runs TF32 ({@code -Dneurite.cuda.tf32=true} on an sm_80+ GPU) rounds
     * the inputs itself and must pass the same bound; here every backend multiplies the rounded
     * inputs in FP32, which is the TF32 result up to the accumulation order.
     */
    private static OpCase tf32Inputs(int m, int n, int k, long seed) {
        float[] a = Inputs.uniform(seed, m * k, -1, 1), b = Inputs.uniform(seed + 1000, k * n, -1, 1);
        float[] ra = a.clone(), rb = b.clone(), c = new float[m * n];
        for (int i = 0; i < ra.length; i++) ra[i] = Tolerance.toTf32(ra[i]);
        for (int i = 0; i < rb.length; i++) rb[i] = Tolerance.toTf32(rb[i]);
        return new OpCase(Op.GEMM, "NN " + m + "x" + n + "x" + k + " inputs rounded to TF32", Tolerance.tf32(k, ALPHA), d -> {
            try (Scratch s = new Scratch(d)) {
                Buffer cb = s.upload(c);
                d.ops().gemm(false, false, m, n, k, ALPHA, s.upload(ra), s.upload(rb), 0f, cb);
                return new float[][] {s.read(cb)};
            }
        }, () -> new double[][] {reference(false, false, 1, m, n, k, ALPHA, a, 0, b, 0, 0, c, 0)});
    }

    /** The product in double (for Tf32ToleranceTest). */
    static double[] product(int m, int n, int k, double alpha, float[] a, float[] b) {
        return reference(false, false, 1, m, n, k, alpha, a, 0, b, 0, 0, new float[m * n], 0);
    }

    private static OpCase batched(boolean ta, boolean tb, int batch, int m, int n, int k, int strideA, int strideB,
                                  int strideC, long seed) {
        int sa = strideA < 0 ? m * k : strideA, sb = strideB < 0 ? k * n : strideB, sc = strideC < 0 ? m * n : strideC;
        float[] a = Inputs.uniform(seed, (batch - 1) * sa + m * k, -1, 1);
        float[] b = Inputs.uniform(seed + 1000, (batch - 1) * sb + k * n, -1, 1);
        float[] c = Inputs.uniform(seed + 2000, (batch - 1) * sc + m * n, -1, 1);
        String label = "batch " + batch + " " + name(ta, tb, m, n, k, ALPHA, BETA) + " strides " + sa + "," + sb + "," + sc;
        return new OpCase(Op.GEMM_BATCHED, label, tolerance(k), d -> {
            try (Scratch s = new Scratch(d)) {
                Buffer cb = s.upload(c);
                d.ops().gemmBatched(ta, tb, batch, m, n, k, ALPHA, s.upload(a), sa, s.upload(b), sb, BETA, cb, sc);
                return new float[][] {s.read(cb)};
            }
        }, () -> new double[][] {reference(ta, tb, batch, m, n, k, ALPHA, a, sa, b, sb, BETA, c, sc)});
    }

    /** C's starting contents: NaN where beta is 0, so a backend that reads it fails. */
    private static float[] initialC(long seed, int len, float beta) {
        float[] c = Inputs.uniform(seed, len, -1, 1);
        if (beta == 0) Arrays.fill(c, Float.NaN);
        return c;
    }

    /** The batched product in double; C entries outside the batch's matrices keep their value. */
    private static double[] reference(boolean ta, boolean tb, int batch, int m, int n, int k, double alpha, float[] a,
                                      int sa, float[] b, int sb, double beta, float[] c, int sc) {
        double[] out = Inputs.toDouble(c);
        for (int q = 0; q < batch; q++) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double sum = 0;
                    for (int p = 0; p < k; p++) {
                        sum += (double) a[q * sa + (ta ? p * m + i : i * k + p)] * b[q * sb + (tb ? j * k + p : p * n + j)];
                    }
                    int ci = q * sc + i * n + j;
                    out[ci] = alpha * sum + (beta == 0 ? 0 : beta * out[ci]);
                }
            }
        }
        return out;
    }
}
