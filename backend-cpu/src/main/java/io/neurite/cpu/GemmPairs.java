package io.neurite.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The direct path's zero skipping two rows of op(A) at a time, for products whose A is mostly
 * zeros and whose B is finite throughout (so that any step may be skipped): MNIST's first dense
 * layer, whose images are 80% background. Each pair of rows lists the k-steps where either row is
 * non-zero; a register tile of 2 rows by {@link #WIDE} vectors then walks only those steps.
 *
 * <p>Why pairs and not {@link GemmDirect}'s groups of 8: a step can be skipped only when every
 * row of the group is zero there, and the fewer the rows the more such steps. Over MNIST's
 * evaluation images the steps a group needs are 20% of all for one row, 30% for two, 39% for four
 * and 46% for eight. A single row would load a vector of B for each multiply-add, which B's rows
 * coming from L2 cannot feed at the FMA units' rate; two rows use each load twice. The tile's 10
 * accumulators also hide more of the FMA latency (5 cycles on Zen 2, two units) than the 8 of a
 * 4 x 2 half-tile.
 *
 * <p>The results are those of the dense product bit for bit (each sum adds the same products in
 * the same order, the skipped ones being exact zeros), but for the sign of a sum that is zero.
 */
final class GemmPairs {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> SI = S.withLanes(int.class);
    private static final int VL = S.length();
    /**
     * Whether the lists are compacted with {@code compress} (AVX-512's vcompressps), not lane by
     * lane: listing took 15% of the MLP's training on a Zen 4. Only with 512-bit vectors, as no
     * narrower x86 vector set has the instruction (C2 emulates it there).
     */
    static final boolean COMPRESS = VL == 16 && Boolean.parseBoolean(System.getProperty("neurite.cpu.gemmPairsCompress", "true"));
    /** Interleaves two vectors' lanes: the first halves of a and b as a0 b0 a1 b1 ... (and the second halves from VL / 2). */
    private static final VectorShuffle<Float> ZIP_LO = zip(0), ZIP_HI = zip(VL / 2);
    /**
     * Vectors of columns per register tile. 2 x 5 accumulators, two broadcasts and a load fit
     * AVX2's 16 registers with room to spare: MNIST's 256 x 784 x 200 on one Zen 2 thread took
     * 0.68-0.74 ms with 5, 0.92 with 4 and 1.07 with 6 (which C2 spilled), against 1.0-1.4 ms for
     * the groups of 8.
     */
    static final int WIDE = 5;
    /** Pairs whose steps are listed before the column tiles walk them, so a tile's columns of B serve them all from L2. */
    private static final int PAIRS = 16;
    /** Whether sparse products take this path ({@code -Dneurite.cpu.gemmPairs=false}: GemmDirect's groups of 8). */
    static final boolean ENABLED = Boolean.parseBoolean(System.getProperty("neurite.cpu.gemmPairs", "true"));

    private GemmPairs() {
    }

    /**
     * Whether pairs pay on this product: over op(A)'s first group of 8 rows and its middle one,
     * the steps their pairs need must be under three quarters of those the groups need, since a
     * pair's step runs about a quarter slower than a group's share of one (dense A through both:
     * 35 against 45 GFLOP/s on Zen 2). MNIST's images qualify (30% against 46%);
     * activations with zeros spread evenly (ReLU's half, say: 75% against all) stay with the
     * groups. The middle group too, because a row-LSTM's first rows are every image's top pixel
     * row, all zero: its input projection (7,168 x 512 x 28) took 3.3-3.9 ms by pairs against
     * 4.2-4.4 by groups.
     */
    static boolean pay(GemmArgs g) {
        int m = g.m(), rows = Math.min(GemmPack.MR, m);
        if (rows < 2) return GemmDirect.skipsSteps(g);
        long pairSteps = 0, groupSteps = 0;
        for (int at : m >= 2 * rows ? new int[] {0, (m - rows) / 2} : new int[] {0}) {
            long[] steps = steps(g, at, rows);
            pairSteps += steps[0];
            groupSteps += steps[1];
        }
        // rows / 2 pairs share the work a group does alone
        return 4 * pairSteps < 3 * groupSteps * (rows / 2);
    }

    /** The steps the pairs of rows [i, i + rows) need in all, and the steps their group needs. */
    private static long[] steps(GemmArgs g, int i, int rows) {
        float[] a = g.a();
        long pairSteps = 0, groupSteps = 0;
        int p = 0;
        if (!g.ta()) {
            // a vector of steps at a time, a lane a step
            for (int bound = S.loopBound(g.k()); p < bound; p += VL) {
                VectorMask<Float> group = S.maskAll(false);
                for (int r = i; r + 1 < i + rows; r += 2) {
                    VectorMask<Float> pair = eitherNonZero(FloatVector.fromArray(S, a, g.aIndex(r, p)),
                            FloatVector.fromArray(S, a, g.aIndex(r + 1, p)));
                    pairSteps += pair.trueCount();
                    group = group.or(pair);
                }
                groupSteps += group.trueCount();
            }
        }
        for (; p < g.k(); p++) {
            int group = 0;
            for (int r = i; r + 1 < i + rows; r += 2) {
                int pair = Float.floatToRawIntBits(a[g.aIndex(r, p)]) | Float.floatToRawIntBits(a[g.aIndex(r + 1, p)]);
                int kept = (pair << 1) == 0 ? 0 : 1;
                pairSteps += kept;
                group |= kept;
            }
            groupSteps += group;
        }
        return new long[] {pairSteps, groupSteps};
    }

    /** Rows [i0, i1) by columns [j0, j1) of C, at least VL wide, B not transposed and finite in those columns. */
    static void direct(GemmArgs g, int i0, int i1, int j0, int j1) {
        GemmPack.Workspace w = GemmPack.Workspace.get();
        int k = g.k(), n = g.n();
        int wide = j0 + (j1 - j0) / (WIDE * VL) * (WIDE * VL);
        float[] tile = w.tile(2 * WIDE * VL);
        // the counts first, then each pair's list; a list may write a vector past its end (compress)
        int[] offsets = w.steps(PAIRS * (k + 1) + VL);
        float[] ap = w.a(PAIRS * 2 * k + 2 * VL);
        int[] stepsApart = g.ta() && COMPRESS ? stepsApart(g.m()) : null;
        for (int ic = i0; ic < i1; ic += 2 * PAIRS) {
            int pairs = Math.min(PAIRS, (i1 - ic + 1) / 2), counts = 0, lists = PAIRS;
            for (int q = 0; q < pairs; q++) {
                int i = ic + 2 * q, second = Math.min(i + 1, i1 - 1);
                offsets[counts + q] = g.ta() ? listStrided(g, i, second, offsets, lists + q * k, ap, 2 * q * k, stepsApart)
                        : listContiguous(g, i, second, offsets, lists + q * k, ap, 2 * q * k);
            }
            float[] b = g.b();
            for (int j = j0; j < wide; j += WIDE * VL) {
                for (int q = 0; q < pairs; q++) {
                    tileWide(b, offsets, lists + q * k, offsets[counts + q], g.bIndex(0, j), ap, 2 * q * k, tile);
                    merge(g, tile, 0, WIDE * VL, ic + 2 * q, i1, j, WIDE * VL);
                }
            }
            for (int j = wide; j < j1; j += VL) {
                // the last columns, fewer than a vector, are computed as the whole vector that ends
                // at j1 (n is at least VL here) and only the new ones merged: no masked loads, no copy
                int from = Math.min(j, j1 - VL), skip = j - from;
                for (int q = 0; q < pairs; q++) {
                    tileOne(b, offsets, lists + q * k, offsets[counts + q], g.bIndex(0, from), ap, 2 * q * k, tile);
                    merge(g, tile, skip, VL, ic + 2 * q, i1, j, Math.min(VL, j1 - j));
                }
            }
        }
    }

    /**
     * Lists the steps rows i and second of op(A) need, op(A)'s rows contiguous: a vector of each
     * row at a time, skipped whole when both are zero there (the image's border), else every lane
     * written at the next free slot and the count moved on only for the non-zero ones, since a
     * branch per step would be mispredicted about every other one. Each entry is B's row offset
     * ({@code p n}); the two rows' values go to ap. Returns the count.
     */
    private static int listContiguous(GemmArgs g, int i, int second, int[] offsets, int so, float[] ap, int ao) {
        float[] a = g.a();
        int k = g.k(), n = g.n(), r0 = g.aIndex(i, 0), r1 = g.aIndex(second, 0), count = 0, p = 0;
        for (int bound = S.loopBound(k); p < bound; p += VL) {
            FloatVector v0 = FloatVector.fromArray(S, a, r0 + p), v1 = FloatVector.fromArray(S, a, r1 + p);
            VectorMask<Float> nonZero = eitherNonZero(v0, v1);
            long bits = nonZero.toLong();
            if (bits == 0) continue;
            if (COMPRESS) {
                count = listVector(v0, v1, nonZero, p * n, n, offsets, so, ap, ao, count);
                continue;
            }
            for (int l = 0; l < VL; l++) {
                ap[ao + 2 * count] = a[r0 + p + l];
                ap[ao + 2 * count + 1] = a[r1 + p + l];
                offsets[so + count] = (p + l) * n;
                count += (int) (bits >>> l) & 1;
            }
        }
        for (; p < k; p++) count = listOne(a[r0 + p], a[r1 + p], p * n, offsets, so, ap, ao, count);
        return count;
    }

    /**
     * One vector of steps of {@link #listContiguous}, compacted: the non-zero lanes' values of the
     * two rows (interleaved) and B's row offsets written at the next free slots, whole vectors
     * whose lanes past the new count are overwritten by the next list.
     */
    private static int listVector(FloatVector row0, FloatVector row1, VectorMask<Float> nonZero, int offset, int n, int[] offsets,
                                  int so, float[] ap, int ao, int count) {
        FloatVector v0 = row0.compress(nonZero), v1 = row1.compress(nonZero);
        v0.rearrange(ZIP_LO, v1).intoArray(ap, ao + 2 * count);
        v0.rearrange(ZIP_HI, v1).intoArray(ap, ao + 2 * count + VL);
        IntVector.zero(SI).addIndex(n).add(offset).compress(nonZero.cast(SI)).intoArray(offsets, so + count);
        return count + nonZero.trueCount();
    }

    /** The steps where either row is non-zero, as {@link #listOne} decides: -0 is zero, NaN is not. */
    private static VectorMask<Float> eitherNonZero(FloatVector row0, FloatVector row1) {
        return row0.compare(VectorOperators.NE, 0f).or(row1.compare(VectorOperators.NE, 0f));
    }

    /** The gather's lane offsets for op(A) transposed, where a row's steps are m apart. */
    private static int[] stepsApart(int m) {
        int[] lanes = new int[VL];
        for (int l = 0; l < VL; l++) lanes[l] = l * m;
        return lanes;
    }

    /** The shuffle that interleaves lanes from..from + VL / 2 of two vectors (the second one's as exceptional indexes). */
    private static VectorShuffle<Float> zip(int from) {
        int[] lanes = new int[VL];
        for (int l = 0; l < VL; l++) lanes[l] = l % 2 == 0 ? from + l / 2 : from + l / 2 - VL;
        return VectorShuffle.fromArray(S, lanes, 0);
    }

    /** {@link #listContiguous} for op(A) = A transposed: the pair's two values are adjacent, the steps m apart. */
    private static int listStrided(GemmArgs g, int i, int second, int[] offsets, int so, float[] ap, int ao, int[] stepsApart) {
        float[] a = g.a();
        int k = g.k(), n = g.n(), m = g.m(), count = 0, p = 0, x = g.aIndex(i, 0), d = second - i;
        if (COMPRESS) {
            // a vector of steps gathered from each row (the weight gradient's k is the batch)
            for (int bound = S.loopBound(k); p < bound; p += VL, x += VL * m) {
                FloatVector v0 = FloatVector.fromArray(S, a, x, stepsApart, 0), v1 = FloatVector.fromArray(S, a, x + d, stepsApart, 0);
                VectorMask<Float> nonZero = eitherNonZero(v0, v1);
                if (nonZero.anyTrue()) count = listVector(v0, v1, nonZero, p * n, n, offsets, so, ap, ao, count);
            }
        }
        for (; p < k; p++, x += m) count = listOne(a[x], a[x + d], p * n, offsets, so, ap, ao, count);
        return count;
    }

    /** One step of a list, kept when either value is non-zero (NaN and infinities count as non-zero). */
    private static int listOne(float v0, float v1, int offset, int[] offsets, int so, float[] ap, int ao, int count) {
        ap[ao + 2 * count] = v0;
        ap[ao + 2 * count + 1] = v1;
        offsets[so + count] = offset;
        int bits = Float.floatToRawIntBits(v0) | Float.floatToRawIntBits(v1);
        return count + ((bits << 1) == 0 ? 0 : 1);
    }

    /** {@code tile[r][v] = sum over the listed steps t of ap[2t + r] b[bo + offsets[t] + v]}, 2 rows by WIDE vectors. */
    private static void tileWide(float[] b, int[] offsets, int so, int count, int bo, float[] ap, int ao, float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00, c03 = c00, c04 = c00;
        FloatVector c10 = c00, c11 = c00, c12 = c00, c13 = c00, c14 = c00;
        for (int t = so, x = ao; t < so + count; t++, x += 2) {
            int o = bo + offsets[t];
            FloatVector w0 = FloatVector.broadcast(S, ap[x]), w1 = FloatVector.broadcast(S, ap[x + 1]);
            FloatVector v = FloatVector.fromArray(S, b, o);
            c00 = w0.fma(v, c00);
            c10 = w1.fma(v, c10);
            v = FloatVector.fromArray(S, b, o + VL);
            c01 = w0.fma(v, c01);
            c11 = w1.fma(v, c11);
            v = FloatVector.fromArray(S, b, o + 2 * VL);
            c02 = w0.fma(v, c02);
            c12 = w1.fma(v, c12);
            v = FloatVector.fromArray(S, b, o + 3 * VL);
            c03 = w0.fma(v, c03);
            c13 = w1.fma(v, c13);
            v = FloatVector.fromArray(S, b, o + 4 * VL);
            c04 = w0.fma(v, c04);
            c14 = w1.fma(v, c14);
        }
        int ld = WIDE * VL;
        c00.intoArray(tile, 0);
        c01.intoArray(tile, VL);
        c02.intoArray(tile, 2 * VL);
        c03.intoArray(tile, 3 * VL);
        c04.intoArray(tile, 4 * VL);
        c10.intoArray(tile, ld);
        c11.intoArray(tile, ld + VL);
        c12.intoArray(tile, ld + 2 * VL);
        c13.intoArray(tile, ld + 3 * VL);
        c14.intoArray(tile, ld + 4 * VL);
    }

    /** {@link #tileWide} one vector wide; the tile's second row starts at VL. */
    private static void tileOne(float[] b, int[] offsets, int so, int count, int bo, float[] ap, int ao, float[] tile) {
        FloatVector c0 = FloatVector.zero(S), c1 = c0;
        for (int t = so, x = ao; t < so + count; t++, x += 2) {
            FloatVector v = FloatVector.fromArray(S, b, bo + offsets[t]);
            c0 = FloatVector.broadcast(S, ap[x]).fma(v, c0);
            c1 = FloatVector.broadcast(S, ap[x + 1]).fma(v, c1);
        }
        c0.intoArray(tile, 0);
        c1.intoArray(tile, VL);
    }

    /** Merges cols columns of the pair's tile from column t (rows ld apart) into C at row i, column j; the second row only when below i1. */
    private static void merge(GemmArgs g, float[] tile, int t, int ld, int i, int i1, int j, int cols) {
        GemmVector.merge(tile, t, ld, g.c(), g.cOff() + i * g.n() + j, g.n(), Math.min(2, i1 - i), cols, g.alpha(), g.beta());
    }
}
