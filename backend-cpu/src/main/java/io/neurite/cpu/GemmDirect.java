package io.neurite.cpu;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API engine's direct path: register tiles that read op(A) and B where they lie, for
 * products whose operands are already cache-resident and whose packing would cost as much as the
 * arithmetic (MNIST's 32 x 784 x 200 dense layer, its 784 x 200 x 32 weight gradient).
 *
 * <p>C goes in tiles of MR rows by two vectors of columns, then one vector, then a last block of
 * fewer than VL columns copied into a zero-padded strip; these full-width loads avoid masked
 * ones, which are about three times slower on this JDK. A partial group of rows repeats its last
 * row's offset, so the kernels never branch on the edge and only the valid rows are merged.
 *
 * <p>Zero skipping: for each group of MR rows, the k-steps where all of those rows of op(A) are
 * zero are left out, as long as the matching row of B is finite (0 times an infinity or NaN is
 * NaN, which skipping would lose). A skipped step adds exactly zero to every sum, so the result
 * is the dense one, bit for bit, but for the sign of a sum that is zero. Images are mostly
 * background: in a batch of MNIST digits 54% of the steps of the first layer's product and 61% of
 * its weight gradient's are all zero across a tile's rows. The list of steps is built once per
 * row group and serves every column tile; when nothing is skipped the kernels walk 0..k-1.
 * Products one to two vectors wide go to {@link GemmNarrow}, sparse ones where pairs of rows skip
 * more to {@link GemmPairs}.
 */
final class GemmDirect {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int VL = S.length();
    private static final int MR = GemmPack.MR;
    private static final int NR = 2 * VL;
    /** B row states for zero skipping: not yet checked, all finite, holds an infinity or NaN. */
    private static final int UNKNOWN = 0, FINITE = 1, NOT_FINITE = 2;
    /** Row groups whose steps are listed before their columns are computed (see {@link #direct}). */
    private static final int GROUPS = Integer.getInteger("neurite.cpu.gemmDirectGroups", 8);

    private GemmDirect() {
    }

    /**
     * Rows [i0, i1) by columns [j0, j1) of C, B not transposed. Row groups go GROUPS at a time:
     * their steps are listed and packed first, then each column tile is computed for all of them,
     * so that tile's columns of B (784 x 32 floats for MNIST on AVX2) stay in L2 while they serve
     * every group; group by group across all columns, the whole of B (627 KiB for MNIST's first
     * layer, more than a Zen 2 core's 512 KiB L2) came from L3 for each group.
     */
    static void direct(GemmArgs g, int i0, int i1, int j0, int j1, boolean halves) {
        direct(g, i0, i1, j0, j1, halves, byPairs(g, j0, j1));
    }

    /**
     * Whether columns [j0, j1) of the product go through {@link GemmPairs}: op(A) is sparse enough
     * that pairs save work ({@link GemmPairs#pay}) and B's columns are finite, so any step may be
     * skipped. Threads that share a product decide once for all of them (the check reads all of
     * those columns of B).
     */
    static boolean byPairs(GemmArgs g, int j0, int j1) {
        return GemmPairs.ENABLED && j1 - j0 >= VL && !GemmNarrow.fits(j0, j1) && GemmPairs.pay(g) && finiteRows(g, 0, g.k(), j0, j1);
    }

    /** {@link #direct(GemmArgs, int, int, int, int, boolean)} with the pair path decided by {@link #byPairs}. */
    static void direct(GemmArgs g, int i0, int i1, int j0, int j1, boolean halves, boolean pairs) {
        if (GemmNarrow.fits(j0, j1)) {
            GemmNarrow.direct(g, i0, i1, j0, j1);
            return;
        }
        if (pairs) {
            GemmPairs.direct(g, i0, i1, j0, j1);
            return;
        }
        GemmPack.Workspace w = GemmPack.Workspace.get();
        float[] tile = w.tile(MR * NR);
        int k = g.k();
        int full = j0 + (j1 - j0) / NR * NR, stripAt = j1 - full >= VL ? full + VL : full;
        float[] strip = stripAt < j1 ? strip(g, stripAt, j1, w.b(k * VL)) : null;
        int[] steps = w.steps(GROUPS * (k + 1)), rowState = w.rowStates(k);
        Arrays.fill(rowState, 0, k, UNKNOWN);
        float[] ap = w.a(GROUPS * k * MR);
        // A whose first group has no zero step (an LSTM's states, a dense layer's activations) is
        // packed plainly and walks every step: the scan for zeros cost a fifth of the row-LSTM's
        // training time and would find none.
        boolean dense = !skipsSteps(g);
        GemmArgs unscaled = dense ? new GemmArgs(g.ta(), false, g.m(), g.n(), k, 1f, g.a(), g.aOff(), g.b(), g.bOff(), 0f, g.c(), g.cOff()) : null;
        if (dense) {
            for (int q = 0; q < GROUPS; q++) {
                for (int p = 0; p < k; p++) steps[q * k + p] = p;
                steps[GROUPS * k + q] = k;
            }
        }
        for (int ic = i0; ic < i1; ic += GROUPS * MR) {
            int groups = Math.min(GROUPS, (i1 - ic + MR - 1) / MR), counts = GROUPS * k;
            if (dense) {
                GemmPack.packA(unscaled, ic, Math.min(GROUPS * MR, i1 - ic), 0, k, ap);
                columns(g, ic, groups, i1, j0, full, stripAt, j1, steps, ap, strip, tile, halves);
                continue;
            }
            for (int q = 0; q < groups; q++) {
                int i = ic + q * MR, rows = Math.min(MR, i1 - i), count = steps(g, i, rows, steps, q * k, rowState, ap, q * k * MR);
                if (count < 0) {
                    checkRows(g, j0, j1, rowState);
                    count = steps(g, i, rows, steps, q * k, rowState, ap, q * k * MR);
                }
                steps[counts + q] = count;
            }
            columns(g, ic, groups, i1, j0, full, stripAt, j1, steps, ap, strip, tile, halves);
        }
    }

    /**
     * The listed row groups from row ic over columns [j0, j1): column tiles two vectors wide up to
     * full, one vector up to stripAt, then the strip, each for every group before the next. A
     * method of its own so that it is called once per chunk and compiled early: {@link #direct}
     * runs a few times a batch, and a loop left in it stayed unoptimised for the first two epochs
     * of MNIST training. Group q's steps start at {@code q k}, its count at {@code GROUPS k + q}.
     */
    private static void columns(GemmArgs g, int ic, int groups, int i1, int j0, int full, int stripAt, int j1,
                                int[] steps, float[] ap, float[] strip, float[] tile, boolean halves) {
        int n = g.n(), k = g.k(), counts = GROUPS * k;
        float[] b = g.b();
        for (int j = j0; j < full; j += NR) {
            for (int q = 0, i = ic; q < groups; q++, i += MR) {
                ListedRowsTile.tile(b, steps, q * k, steps[counts + q], n, g.bIndex(0, j), ap, q * k * MR, tile, 0, NR, halves);
                GemmVector.merge(tile, g.c(), g.cOff() + i * n + j, n, Math.min(MR, i1 - i), NR, g.alpha(), g.beta());
            }
        }
        for (int q = 0, i = ic; q < groups; q++, i += MR) {
            int rows = Math.min(MR, i1 - i), co = g.cOff() + i * n, count = steps[counts + q];
            if (stripAt > full) {
                tile1(steps, q * k, count, ap, q * k * MR, b, g.bIndex(0, full), n, tile);
                GemmVector.merge(tile, g.c(), co + full, n, rows, VL, g.alpha(), g.beta());
            }
            if (strip != null) {
                tile1(steps, q * k, count, ap, q * k * MR, strip, 0, VL, tile);
                GemmVector.merge(tile, g.c(), co + stripAt, n, rows, j1 - stripAt, g.alpha(), g.beta());
            }
        }
    }

    /** Whether op(A)'s first group of MR rows has a k-step where all of them are zero. */
    static boolean skipsSteps(GemmArgs g) {
        float[] a = g.a();
        int rows = Math.min(MR, g.m()), rowStep = g.ta() ? 1 : g.k(), kStep = g.ta() ? g.m() : 1;
        for (int p = 0, q = g.aIndex(0, 0); p < g.k(); p++, q += kStep) {
            int bits = 0;
            for (int r = 0, x = q; r < rows; r++, x += rowStep) bits |= Float.floatToRawIntBits(a[x]);
            if (bits << 1 == 0) return true;
        }
        return false;
    }

    /** Columns [from, to) of op(B), fewer than VL, as k rows of VL floats, zero-padded. */
    private static float[] strip(GemmArgs g, int from, int to, float[] strip) {
        int cols = to - from;
        float[] b = g.b();
        // one fill and a plain loop: a copy call per row cost more than the copy before the JIT got to it
        Arrays.fill(strip, 0, g.k() * VL, 0f);
        for (int p = 0, d = 0; p < g.k(); p++, d += VL) {
            for (int c = 0, x = g.bIndex(p, from); c < cols; c++) strip[d + c] = b[x + c];
        }
        return strip;
    }

    /**
     * Fills steps with the k-steps rows [i, i + rows) of op(A) need (see the class comment), packs
     * those steps of the rows into ap (MR floats a step, the last row repeated to fill a partial
     * group) and returns how many there are; or -1 if a step could be skipped but B's rows have not
     * been checked yet ({@link #checkRows} is kept out of this loop, where its inlined vector
     * code slowed the scan by a fifth of the whole product).
     *
     * <p>The loop has no data-dependent branch: whether a step is kept depends on the pixels, so a
     * branch on it was mispredicted about every other step (an early-exit scan cost an eighth of
     * MNIST's training time). Each step's values are written at the next free slot and the count
     * moves on only if the step is kept. A value's bits shifted left by one are zero only for +0
     * and -0, so NaN and infinities in A count as non-zero and are kept.
     */
    private static int steps(GemmArgs g, int i, int rows, int[] steps, int so, int[] rowState, float[] ap, int ao) {
        float[] a = g.a();
        int rowStep = g.ta() ? 1 : g.k(), kStep = g.ta() ? g.m() : 1, last = rows - 1, count = 0, unknown = 0;
        int o0 = g.aIndex(i, 0), o1 = o0 + Math.min(1, last) * rowStep, o2 = o0 + Math.min(2, last) * rowStep;
        int o3 = o0 + Math.min(3, last) * rowStep, o4 = o0 + Math.min(4, last) * rowStep;
        int o5 = o0 + Math.min(5, last) * rowStep, o6 = o0 + Math.min(6, last) * rowStep, o7 = o0 + Math.min(7, last) * rowStep;
        for (int p = 0, q = 0; p < g.k(); p++, q += kStep) {
            float v0 = a[o0 + q], v1 = a[o1 + q], v2 = a[o2 + q], v3 = a[o3 + q];
            float v4 = a[o4 + q], v5 = a[o5 + q], v6 = a[o6 + q], v7 = a[o7 + q];
            int d = ao + count * MR;
            ap[d] = v0;
            ap[d + 1] = v1;
            ap[d + 2] = v2;
            ap[d + 3] = v3;
            ap[d + 4] = v4;
            ap[d + 5] = v5;
            ap[d + 6] = v6;
            ap[d + 7] = v7;
            int bits = Float.floatToRawIntBits(v0) | Float.floatToRawIntBits(v1) | Float.floatToRawIntBits(v2)
                    | Float.floatToRawIntBits(v3) | Float.floatToRawIntBits(v4) | Float.floatToRawIntBits(v5)
                    | Float.floatToRawIntBits(v6) | Float.floatToRawIntBits(v7);
            int zero = (bits << 1) == 0 ? 1 : 0, state = rowState[p];
            unknown |= zero & (state == UNKNOWN ? 1 : 0);
            steps[so + count] = p;
            count += 1 - (zero & (state == FINITE ? 1 : 0));
        }
        return unknown != 0 ? -1 : count;
    }

    /**
     * Marks every row of op(B)'s columns [j0, j1) FINITE when one pass finds them all finite, the
     * usual case (weights and gradients that are not finite have diverged); only if it does not
     * are the rows checked one by one. The pass goes four rows per call of a small method, so the
     * JIT compiles it within a few products: it runs once a product, and Vector API code left
     * uncompiled is a hundred times slower.
     */
    private static void checkRows(GemmArgs g, int j0, int j1, int[] rowState) {
        boolean all = finiteRows(g, 0, g.k(), j0, j1);
        for (int q = 0; q < g.k(); q++) rowState[q] = all || finiteRows(g, q, q + 1, j0, j1) ? FINITE : NOT_FINITE;
    }

    /** Whether rows [p0, p1) of op(B) are finite in columns [j0, j1). */
    private static boolean finiteRows(GemmArgs g, int p0, int p1, int j0, int j1) {
        float sum = 0f;
        for (int p = p0; p < p1; p += 4) sum += fourRows(g.b(), g, p, Math.min(p1, p + 4), j0, j1 - j0);
        return sum == 0f;
    }

    /**
     * The sum of {@code x * 0} over rows [p0, p1) of op(B), columns from j0: 0 if all are finite,
     * else NaN. A row's last partial vector is read as the whole vector ending at its end
     * (overlapping the one before), so no scalar loop waits on a running sum.
     */
    private static float fourRows(float[] b, GemmArgs g, int p0, int p1, int j0, int len) {
        if (len < VL) {
            float s = 0f;
            for (int p = p0; p < p1; p++) for (int i = 0, off = g.bIndex(p, j0); i < len; i++) s += b[off + i] * 0f;
            return s;
        }
        FloatVector s0 = FloatVector.zero(S), s1 = s0;
        for (int p = p0; p < p1; p++) {
            int off = g.bIndex(p, j0), i = 0;
            // two sums, so each add waits on only every other one
            for (; i + 2 * VL <= len; i += 2 * VL) {
                s0 = s0.add(FloatVector.fromArray(S, b, off + i).mul(0f));
                s1 = s1.add(FloatVector.fromArray(S, b, off + i + VL).mul(0f));
            }
            if (i + VL <= len) {
                s0 = s0.add(FloatVector.fromArray(S, b, off + i).mul(0f));
                i += VL;
            }
            if (i < len) s1 = s1.add(FloatVector.fromArray(S, b, off + len - VL).mul(0f));
        }
        return s0.add(s1).reduceLanes(VectorOperators.ADD);
    }

    /** {@link ListedRowsTile#tile} one vector wide, for the last columns: same layout, the tile's rows still NR apart. */
    private static void tile1(int[] steps, int so, int count, float[] ap, int ao, float[] b, int bo, int ldb, float[] tile) {
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
        for (int t = so, q = ao; t < so + count; t++, q += MR) {
            FloatVector bv = FloatVector.fromArray(S, b, bo + steps[t] * ldb);
            c0 = FloatVector.broadcast(S, ap[q + 0]).fma(bv, c0);
            c1 = FloatVector.broadcast(S, ap[q + 1]).fma(bv, c1);
            c2 = FloatVector.broadcast(S, ap[q + 2]).fma(bv, c2);
            c3 = FloatVector.broadcast(S, ap[q + 3]).fma(bv, c3);
            c4 = FloatVector.broadcast(S, ap[q + 4]).fma(bv, c4);
            c5 = FloatVector.broadcast(S, ap[q + 5]).fma(bv, c5);
            c6 = FloatVector.broadcast(S, ap[q + 6]).fma(bv, c6);
            c7 = FloatVector.broadcast(S, ap[q + 7]).fma(bv, c7);
        }
        c0.intoArray(tile, 0);
        c1.intoArray(tile, NR);
        c2.intoArray(tile, 2 * NR);
        c3.intoArray(tile, 3 * NR);
        c4.intoArray(tile, 4 * NR);
        c5.intoArray(tile, 5 * NR);
        c6.intoArray(tile, 6 * NR);
        c7.intoArray(tile, 7 * NR);
    }
}
