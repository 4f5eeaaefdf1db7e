package io.neurite.cpu;

import java.util.Arrays;

/**
 * Packs blocks of op(A) and op(B) into the contiguous micro-panels the micro-kernels stream
 * through. Packing is where the transposes are resolved, so each engine has one kernel for all
 * four combinations; edges are zero-padded to whole panels, so the kernel never branches on them.
 *
 * <p>Every loop reads its source along its rows (contiguous runs), and where the destination is
 * written with a stride it walks k in chunks of {@link #PB}, so the lines being filled stay in
 * L1. Packing a 1024 x 1024 operand takes 0.2-1 ms (the transposed layouts are the slow end),
 * against about 10 ms for a whole 1024^3 product on two threads.
 */
final class GemmPack {
    /** k-steps per chunk when the destination is written with a stride. */
    private static final int PB = 64;
    /** Rows per panel of A: the vector kernel's tile height, a constant so the copies unroll. */
    static final int MR = 8;

    private GemmPack() {
    }

    /**
     * Packs rows [i0, i0+rows) by k-range [p0, p0+kc) of {@code alpha op(A)} into panels of MR
     * rows, k-major: {@code dst[q kc MR + p MR + r] = alpha A(i0 + q MR + r, p0 + p)}. Alpha is
     * applied here, where it costs one multiply per packed element instead of one per output.
     */
    static void packA(GemmArgs g, int i0, int rows, int p0, int kc, float[] dst) {
        float[] a = g.a();
        float alpha = g.alpha();
        int panels = (rows + MR - 1) / MR;
        if (rows % MR != 0) Arrays.fill(dst, (panels - 1) * kc * MR, panels * kc * MR, 0f);
        if (g.ta()) {
            // A is stored k x m: row p0+p of storage holds op(A)'s column, `rows` floats in a run
            int full = rows / MR * MR;
            for (int p = 0; p < kc; p++) {
                int src = g.aIndex(i0, p0 + p);
                for (int r0 = 0, d = p * MR; r0 < full; r0 += MR, d += kc * MR) {
                    for (int r = 0; r < MR; r++) dst[d + r] = alpha * a[src + r0 + r];
                }
                for (int r = full, d = full * kc + p * MR; r < rows; r++) dst[d + r - full] = alpha * a[src + r];
            }
            return;
        }
        for (int q = 0, r0 = 0; r0 < rows; q++, r0 += MR) {
            int base = q * kc * MR, valid = Math.min(MR, rows - r0);
            for (int pb = 0; pb < kc; pb += PB) {
                int len = Math.min(PB, kc - pb);
                for (int r = 0; r < valid; r++) {
                    int s = g.aIndex(i0 + r0 + r, p0 + pb), d = base + pb * MR + r;
                    for (int p = 0; p < len; p++) dst[d + p * MR] = alpha * a[s + p];
                }
            }
        }
    }

    /**
     * Packs k-range [p0, p0+kc) by columns [j0, j0+cols) of op(B) into panels of nr columns,
     * k-major, starting at dst[off]: {@code dst[off + q kc nr + p nr + c] = B(p0 + p, j0 + q nr + c)}.
     * With nr = cols this is a plain row-major copy of the block.
     */
    static void packB(GemmArgs g, int p0, int kc, int j0, int cols, int nr, float[] dst, int off) {
        float[] b = g.b();
        for (int q = 0, c0 = 0; c0 < cols; q++, c0 += nr) {
            int base = off + q * kc * nr, valid = Math.min(nr, cols - c0);
            if (valid < nr) Arrays.fill(dst, base, base + kc * nr, 0f);
            if (!g.tb()) {
                for (int p = 0; p < kc; p++) System.arraycopy(b, g.bIndex(p0 + p, j0 + c0), dst, base + p * nr, valid);
                continue;
            }
            // B is stored n x k: each column of op(B) is a contiguous run over p
            for (int pb = 0; pb < kc; pb += PB) {
                int len = Math.min(PB, kc - pb);
                for (int c = 0; c < valid; c++) {
                    int s = g.bIndex(p0 + pb, j0 + c0 + c), d = base + pb * nr + c;
                    for (int p = 0; p < len; p++) dst[d + p * nr] = b[s + p];
                }
            }
        }
    }

    /**
     * The same product with B not transposed: op(B) copied row-major (k x n) into this thread's
     * workspace, so a small product with B transposed (a dense layer's input gradient) can take
     * the direct path. The copy reads B along its rows, PB columns of op(B) at a time.
     */
    static GemmArgs untransposeB(GemmArgs g) {
        int k = g.k(), n = g.n();
        float[] b = g.b(), dst = Workspace.get().bt(k * n);
        for (int j0 = 0; j0 < n; j0 += PB) {
            int j1 = Math.min(n, j0 + PB);
            for (int j = j0; j < j1; j++) {
                for (int p = 0, s = g.bIndex(0, j); p < k; p++) dst[p * n + j] = b[s + p];
            }
        }
        return new GemmArgs(g.ta(), false, g.m(), n, k, g.alpha(), g.a(), g.aOff(), dst, 0, g.beta(), g.c(), g.cOff());
    }

    /** Balanced block size: splits total into ceil(total / max) blocks, rounded up to a multiple of unit. */
    static int block(int total, int max, int unit) {
        int blocks = Math.max(1, (total + max - 1) / max);
        int size = (total + blocks - 1) / blocks;
        return (size + unit - 1) / unit * unit;
    }

    /**
     * Per-thread buffers, grown on demand and kept for the thread's life, so a steady stream of
     * products allocates nothing: a (packed A), b (packed B, shared with the pool's threads when
     * this thread leads a product; the direct path's edge strip), bt (a small product's B,
     * untransposed; read by the pool's threads when the product is split), tile (the
     * micro-kernel's output).
     */
    static final class Workspace {
        private static final ThreadLocal<Workspace> CURRENT = ThreadLocal.withInitial(Workspace::new);
        private float[] a = new float[0];
        private float[] b = new float[0];
        private float[] bt = new float[0];
        private float[] tile = new float[0];
        private int[] steps = new int[0];
        private int[] rowStates = new int[0];

        static Workspace get() {
            return CURRENT.get();
        }

        float[] a(int n) {
            if (a.length < n) a = new float[n];
            return a;
        }

        float[] b(int n) {
            if (b.length < n) b = new float[n];
            return b;
        }

        float[] bt(int n) {
            if (bt.length < n) bt = new float[n];
            return bt;
        }

        /** The direct path's list of k-steps a row group needs. */
        int[] steps(int n) {
            if (steps.length < n) steps = new int[n];
            return steps;
        }

        /** The direct path's per-product record of which rows of B are finite. */
        int[] rowStates(int n) {
            if (rowStates.length < n) rowStates = new int[n];
            return rowStates;
        }

        float[] tile(int n) {
            if (tile.length < n) tile = new float[n];
            return tile;
        }
    }
}
