package io.neurite.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link GemmPairs}, the direct path's zero skipping two rows at a time, against
 * {@link GemmDirect}'s groups of 8 on the same operands: every sum adds the same non-zero
 * products in the same order, so the results are equal value for value (a zero's sign aside),
 * for both layouts of A, odd rows, column counts on and off the tile and vector widths, alpha and
 * beta, NaN and infinity in A, and offsets into larger arrays, with nothing written outside C.
 */
class GemmPairsTest {
    private static final int[][] SHAPES = {
        {1, 8, 2}, {2, 9, 3}, {4, 16, 6}, {3, 20, 4}, {3, 17, 7}, {17, 40, 129}, {33, 47, 37}, {32, 200, 784}, {257, 203, 50}, {9, 80, 5},
    };

    @Test
    void pairsEqualTheGroupsOfEightOnSparseA() {
        assumeTrue(VectorSupport.AVAILABLE, "the Vector API is not enabled");
        for (int[] s : SHAPES) {
            for (boolean ta : new boolean[] {false, true}) {
                for (float[] ab : new float[][] {{1f, 0f}, {1.5f, 0.5f}, {-2f, 1f}}) {
                    compare(ta, s[0], s[1], s[2], ab[0], ab[1]);
                }
            }
        }
    }

    @Test
    void pairsAreChosenOnlyForSparseAAndFiniteB() {
        assumeTrue(VectorSupport.AVAILABLE, "the Vector API is not enabled");
        int m = 32, n = 40, k = 50;
        float[] a = sparse(1, m * k), b = random(2, k * n), c = new float[m * n];
        for (int i = 0; i < m; i++) a[i * k] = 0f;
        assertTrue(GemmDirect.byPairs(new GemmArgs(false, false, m, n, k, 1f, a, 0, b, 0, 0f, c, 0), 0, n), "sparse A, finite B");
        assertFalse(GemmDirect.byPairs(new GemmArgs(false, false, m, n, k, 1f, random(3, m * k), 0, b, 0, 0f, c, 0), 0, n), "dense A");
        // the first rows all zero (a row-LSTM's top pixel rows), the rest sparse: the middle rows decide
        float[] topZero = sparse(5, m * k);
        java.util.Arrays.fill(topZero, 0, 8 * k, 0f);
        assertTrue(GemmDirect.byPairs(new GemmArgs(false, false, m, n, k, 1f, topZero, 0, b, 0, 0f, c, 0), 0, n), "zero first rows");
        // half the steps zero in every row: the groups of 8 skip them as well, pairs would save nothing
        float[] striped = random(4, m * k);
        for (int x = 0; x < striped.length; x += 2) striped[x] = 0f;
        assertTrue(GemmDirect.skipsSteps(new GemmArgs(false, false, m, n, k, 1f, striped, 0, b, 0, 0f, c, 0)));
        assertFalse(GemmDirect.byPairs(new GemmArgs(false, false, m, n, k, 1f, striped, 0, b, 0, 0f, c, 0), 0, n), "zeros in whole steps");
        int narrow = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length() - 1; // one column short of a vector, on any host
        assertFalse(GemmDirect.byPairs(new GemmArgs(false, false, m, narrow, k, 1f, a, 0, b, 0, 0f, c, 0), 0, narrow), "narrower than a vector");
        b[7 * n + 39] = Float.NaN;
        assertFalse(GemmDirect.byPairs(new GemmArgs(false, false, m, n, k, 1f, a, 0, b, 0, 0f, c, 0), 0, n), "NaN in B");
        // columns [0, 36): wider than GemmNarrow's two vectors on 256- and 512-bit hosts alike, and short of column 39
        assertTrue(GemmDirect.byPairs(new GemmArgs(false, false, m, n, k, 1f, a, 0, b, 0, 0f, c, 0), 0, 36), "NaN outside the columns");
    }

    private static void compare(boolean ta, int m, int n, int k, float alpha, float beta) {
        float[] a = sparse(11 + m, m * k + 5), b = random(12 + n, k * n + 6), c = random(13 + k, m * n + 14);
        // whole zero steps, some as -0; one NaN and one infinity in A, which must reach C
        for (int p = 0; p < k; p += 3) for (int i = 0; i < m; i++) a[5 + (ta ? p * m + i : i * k + p)] = (i & 1) == 0 ? 0f : -0f;
        // every row has a non-zero value at step 1, so no small product is zero throughout
        for (int i = 0; i < m && k > 1; i++) a[5 + (ta ? m + i : i * k + 1)] = 0.5f + i / 64f;
        a[5 + (ta ? (k - 1) * m : k - 1)] = Float.NaN;
        if (m > 2) a[5 + (ta ? (k / 2) * m + 2 : 2 * k + k / 2)] = Float.POSITIVE_INFINITY;
        float[] byGroups = c.clone();
        GemmArgs pairs = new GemmArgs(ta, false, m, n, k, alpha, a, 5, b, 6, beta, c, 7);
        GemmArgs groups = new GemmArgs(ta, false, m, n, k, alpha, a, 5, b, 6, beta, byGroups, 7);
        String what = (ta ? "TN " : "NN ") + m + "x" + n + "x" + k + " alpha " + alpha + " beta " + beta;
        // narrower than a vector, the product stays with the groups of 8 (pairs read whole vectors of B)
        if (n < jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length()) {
            assertFalse(GemmDirect.byPairs(pairs, 0, n), what + ": routed to pairs");
            return;
        }
        GemmDirect.direct(pairs, 0, m, 0, n, GemmVector.HALVES, true);
        GemmDirect.direct(groups, 0, m, 0, n, GemmVector.HALVES, false);
        for (int x = 0; x < c.length; x++) {
            float want = byGroups[x], got = c[x];
            int at = x;
            assertTrue(want == got || Float.isNaN(want) && Float.isNaN(got), () -> what + " index " + at + ": " + got + " against " + want);
        }
        // the product is not vacuous: some results are finite and non-zero, and the NaN arrived
        boolean finite = false, nan = false;
        for (int x = 7; x < 7 + m * n; x++) {
            finite |= Float.isFinite(c[x]) && c[x] != 0;
            nan |= Float.isNaN(c[x]);
        }
        assertTrue(nan && (finite || m == 1), what + ": finite " + finite + ", NaN " + nan);
        assertEquals(Float.floatToRawIntBits(random(13 + k, 7)[6]), Float.floatToRawIntBits(c[6]), what + ": wrote before C");
    }

    /** Seeded values in [-1, 1), about 70% of them zero. */
    private static float[] sparse(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = r.nextDouble() < 0.7 ? 0f : (float) (2 * r.nextDouble() - 1);
        return v;
    }

    private static float[] random(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (2 * r.nextDouble() - 1);
        return v;
    }
}
