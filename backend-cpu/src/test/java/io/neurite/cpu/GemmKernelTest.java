package io.neurite.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

/**
 * Both GEMM engines, called directly (the conformance kit only reaches the one this JVM chose),
 * on shapes that cross every blocking boundary of the packed path (KC, MC, NC, partial micro-tiles),
 * both thread splits, the direct path, offsets into larger arrays, and beta 0 over NaN.
 */
class GemmKernelTest {
    /** The scalar engine and, with the Vector API, both tile forms of the vector one (whole 8-row tiles and halves). */
    private static final List<GemmEngine> ENGINES = VectorSupport.AVAILABLE
            ? List.of(new GemmScalar(), new GemmVector(false), new GemmVector(true)) : List.of(new GemmScalar());
    private static final int[][] SHAPES = {
        {1, 1, 1}, {3, 17, 7}, {17, 33, 129}, {9, 3, 600}, // direct or single-tile
        {300, 129, 600}, // more than MC rows and several k-blocks; threads split rows
        {9, 40000, 64}, // short and wide (above CpuGemm.PARALLEL): threads split columns
        {9, 50, 40}, // the direct path: 4-row blocks, one row left, a 17-31 column edge strip
        {9, 4100, 3}, // more than NC columns
        {129, 97, 33}, // partial tiles in both directions
        {2, 3, 2}, {5, 7, 9}, {13, 21, 5}, {31, 40, 50}, // narrower than a vector; one vector plus a strip
        {32, 200, 784}, {784, 200, 32}, // MNIST's dense layer and its weight gradient (cache-resident, direct)
        {7, 10, 200}, {256, 10, 84}, {5, 8, 3}, {6, 12, 31}, {33, 16, 9}, {3, 32, 5}, // one to two vectors wide (GemmNarrow)
    };

    @Test
    void everyEngineMatchesDoubleProductForEveryTransposeAndShape() {
        for (GemmEngine e : ENGINES) {
            for (int[] s : SHAPES) {
                for (int t = 0; t < 4; t++) {
                    check(e, (t & 1) != 0, (t & 2) != 0, s[0], s[1], s[2], 1.25f, t == 3 ? 0f : -0.5f);
                }
            }
        }
    }

    /**
     * The direct path on MNIST-like input: A mostly zero (whole zero steps in some row groups, -0
     * too), B with an infinity and a NaN in rows that meet zero columns of A, where the dense
     * product is NaN (a kernel that skipped zero steps would hide it); shapes with partial row
     * groups and a strip.
     */
    @Test
    void directPathKeepsNonFiniteProductsOfZeroInputs() {
        for (GemmEngine e : ENGINES) {
            for (boolean ta : new boolean[] {false, true}) {
                for (int[] s : new int[][] {{19, 45, 37}, {32, 200, 784}, {3, 5, 9}}) {
                    int m = s[0], n = s[1], k = s[2];
                    float[] a = sparse(21, m * k), b = random(22, k * n), c = random(23, m * n);
                    for (int p = 0; p < k; p += 5) for (int i = 0; i < m; i++) a[ta ? p * m + i : i * k + p] = (i & 1) == 0 ? 0f : -0f;
                    b[5 * n + n / 2] = Float.POSITIVE_INFINITY;
                    b[10 % k * n] = Float.NaN;
                    float[] before = c.clone();
                    double[] want = reference(ta, false, m, n, k, 1.5f, a, 0, b, 0, 0.5f, before, 0);
                    e.direct(new GemmArgs(ta, false, m, n, k, 1.5f, a, 0, b, 0, 0.5f, c, 0), 0, m, 0, n);
                    String what = String.valueOf(e) + (ta ? " TN " : " NN ") + m + "x" + n + "x" + k;
                    for (int x = 0; x < m * n; x++) assertClose(want[x], c[x], k, what + " index " + x);
                }
            }
        }
    }

    /**
     * MNIST's first dense layer at an inference batch (256 x 200 x 784), too large for the direct
     * path's size rule, is routed there for its zero steps: the routed product, which may take
     * either path, equals the dense one, NaN and infinity included, for sparse and dense A.
     */
    @Test
    void routedLargeProductsWithZeroStepsMatchTheDenseOne() {
        int m = 256, n = 200, k = 784;
        for (GemmEngine e : ENGINES) {
            for (boolean sparseA : new boolean[] {true, false}) {
                float[] a = sparseA ? sparse(31, m * k) : random(31, m * k), b = random(32, k * n), c = new float[m * n];
                for (int i = 0; i < m; i++) a[i * k + 3] = 0f;
                b[3 * n + 7] = Float.NaN;
                b[k / 2 * n] = Float.NEGATIVE_INFINITY;
                double[] want = reference(false, false, m, n, k, 1f, a, 0, b, 0, 0f, c, 0);
                CpuGemm.run(e, new GemmArgs(false, false, m, n, k, 1f, a, 0, b, 0, 0f, c, 0));
                String what = String.valueOf(e) + (sparseA ? " sparse" : " dense") + " A";
                for (int x = 0; x < m * n; x++) assertClose(want[x], c[x], k, what + " index " + x);
            }
        }
    }

    @Test
    void alphaOneBetaOneAccumulates() {
        for (GemmEngine e : ENGINES) check(e, false, false, 65, 70, 300, 1f, 1f);
    }

    @Test
    void batchedSmallProductsSpreadOverThreadsKeepGapsIntact() {
        int batch = 17, m = 33, n = 33, k = 33, sa = 0, sb = k * n, sc = m * n + 3;
        float[] a = random(1, m * k), b = random(2, batch * sb), c = random(3, (batch - 1) * sc + m * n);
        float[] before = c.clone();
        CpuGemm.gemmBatched(false, true, batch, m, n, k, 0.5f, a, sa, b, sb, 2f, c, sc);
        for (int q = 0; q < batch; q++) {
            float[] want = Arrays.copyOfRange(before, q * sc, q * sc + m * n);
            double[] ref = reference(false, true, m, n, k, 0.5f, a, 0, b, q * sb, 2f, want, 0);
            for (int x = 0; x < m * n; x++) assertClose(ref[x], c[q * sc + x], k, "batch item " + q);
            for (int x = m * n; x < sc && q * sc + x < c.length; x++) assertEquals(before[q * sc + x], c[q * sc + x], "gap");
        }
    }

    /**
     * Runs one product at offsets 5, 6, 7 into larger arrays and checks C, and that nothing around
     * it changed: as {@link CpuGemm} routes it, and again on the packed and (B not transposed) the
     * direct path, so each path sees every shape whichever one the routing picks.
     */
    private static void check(GemmEngine e, boolean ta, boolean tb, int m, int n, int k, float alpha, float beta) {
        check(e, ta, tb, m, n, k, alpha, beta, "routed", CpuGemm::run);
        check(e, ta, tb, m, n, k, alpha, beta, "packed", (engine, g) -> engine.packed(g, 0, m, 0, n));
        if (!tb) check(e, ta, tb, m, n, k, alpha, beta, "direct", (engine, g) -> engine.direct(g, 0, m, 0, n));
    }

    private static void check(GemmEngine e, boolean ta, boolean tb, int m, int n, int k, float alpha, float beta,
                              String path, BiConsumer<GemmEngine, GemmArgs> product) {
        float[] a = random(11, m * k + 9), b = random(12, k * n + 9), c = random(13, m * n + 14);
        if (beta == 0) Arrays.fill(c, 7, 7 + m * n, Float.NaN);
        float[] before = c.clone();
        double[] want = reference(ta, tb, m, n, k, alpha, a, 5, b, 6, beta, c, 7);
        product.accept(e, new GemmArgs(ta, tb, m, n, k, alpha, a, 5, b, 6, beta, c, 7));
        String what = String.valueOf(e) + " " + path + (ta ? " T" : " N") + (tb ? "T " : "N ") + m + "x" + n + "x" + k;
        for (int x = 0; x < m * n; x++) assertClose(want[x], c[7 + x], k, what + " index " + x);
        for (int x = 0; x < 7; x++) assertEquals(before[x], c[x], what + ": wrote before C");
        for (int x = 7 + m * n; x < c.length; x++) assertEquals(before[x], c[x], what + ": wrote after C");
    }

    private static void assertClose(double want, float got, int k, String what) {
        if (Double.isNaN(want) || Double.isInfinite(want)) {
            assertEquals((float) want, got, what);
            return;
        }
        double err = Math.abs(got - want) / (1 + Math.abs(want));
        assertTrue(err <= 1e-6 + 1e-7 * k, () -> what + ": got " + got + ", want " + want);
    }

    private static double[] reference(boolean ta, boolean tb, int m, int n, int k, float alpha, float[] a, int ao,
                                      float[] b, int bo, float beta, float[] c, int co) {
        double[] out = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) s += (double) a[ao + (ta ? p * m + i : i * k + p)] * b[bo + (tb ? j * k + p : p * n + j)];
                out[i * n + j] = alpha * s + (beta == 0 ? 0 : (double) beta * c[co + i * n + j]);
            }
        }
        return out;
    }

    /** Seeded values in [-1, 1), about 80% of them zero (an MNIST image's background share). */
    private static float[] sparse(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = r.nextDouble() < 0.8 ? 0f : (float) (2 * r.nextDouble() - 1);
        return v;
    }

    private static float[] random(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (2 * r.nextDouble() - 1);
        return v;
    }
}
