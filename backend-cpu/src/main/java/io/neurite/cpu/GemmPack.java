package io.neurite.cpu;

import java.util.Arrays;

/**
 * Packs blocks of op(A) and op(B) into the contiguous micro-panels the micro-kernels stream
 * through. Packing is where the transposes are resolved, so each engine has one kernel for all
 * four combinations; edges are zero-padded to whole panels, so the kernel never branches on them.
 */
final class GemmPack {
    private GemmPack() {
    }

    /**
     * Packs rows [i0, i0+rows) by k-range [p0, p0+kc) of {@code alpha op(A)} into panels of mr
     * rows, k-major: {@code dst[q kc mr + p mr + r] = alpha A(i0 + q mr + r, p0 + p)}. Alpha is
     * applied here, where it costs one multiply per packed element instead of one per output.
     */
    static void packA(GemmArgs g, int i0, int rows, int p0, int kc, int mr, float[] dst) {
        float[] a = g.a();
        float alpha = g.alpha();
        for (int q = 0, r0 = 0; r0 < rows; q++, r0 += mr) {
            int base = q * kc * mr, valid = Math.min(mr, rows - r0);
            if (valid < mr) Arrays.fill(dst, base, base + kc * mr, 0f);
            if (g.ta()) {
                // A is stored k x m: each p gives `valid` consecutive rows
                for (int p = 0; p < kc; p++) {
                    int src = g.aIndex(i0 + r0, p0 + p), d = base + p * mr;
                    for (int r = 0; r < valid; r++) dst[d + r] = alpha * a[src + r];
                }
            } else {
                for (int r = 0; r < valid; r++) {
                    int src = g.aIndex(i0 + r0 + r, p0), d = base + r;
                    for (int p = 0; p < kc; p++) dst[d + p * mr] = alpha * a[src + p];
                }
            }
        }
    }

    /**
     * Packs k-range [p0, p0+kc) by columns [j0, j0+cols) of op(B) into panels of nr columns,
     * k-major: {@code dst[q kc nr + p nr + c] = B(p0 + p, j0 + q nr + c)}. With nr = cols this is
     * a plain row-major copy of the block.
     */
    static void packB(GemmArgs g, int p0, int kc, int j0, int cols, int nr, float[] dst) {
        float[] b = g.b();
        for (int q = 0, c0 = 0; c0 < cols; q++, c0 += nr) {
            int base = q * kc * nr, valid = Math.min(nr, cols - c0);
            if (valid < nr) Arrays.fill(dst, base, base + kc * nr, 0f);
            if (g.tb()) {
                // B is stored n x k: each column of op(B) is a contiguous run over p
                for (int c = 0; c < valid; c++) {
                    int src = g.bIndex(p0, j0 + c0 + c), d = base + c;
                    for (int p = 0; p < kc; p++) dst[d + p * nr] = b[src + p];
                }
            } else {
                for (int p = 0; p < kc; p++) System.arraycopy(b, g.bIndex(p0 + p, j0 + c0), dst, base + p * nr, valid);
            }
        }
    }

    /** Balanced block size: splits total into ceil(total / max) blocks, rounded up to a multiple of unit. */
    static int block(int total, int max, int unit) {
        int blocks = Math.max(1, (total + max - 1) / max);
        int size = (total + blocks - 1) / blocks;
        return (size + unit - 1) / unit * unit;
    }

    /**
     * Per-thread packing buffers, grown on demand and kept for the thread's life, so a
     * steady stream of products allocates nothing.
     */
    static final class Workspace {
        private static final ThreadLocal<Workspace> CURRENT = ThreadLocal.withInitial(Workspace::new);
        private float[] a = new float[0];
        private float[] b = new float[0];
        private float[] tile = new float[0];

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

        float[] tile(int n) {
            if (tile.length < n) tile = new float[n];
            return tile;
        }
    }
}
