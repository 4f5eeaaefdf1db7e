package io.neurite.cpu;

import io.neurite.device.Op;
import java.util.Arrays;

/**
 * Reductions: SUM, MEAN and MAX over the middle axis of {@code [outer, axis, inner]}, the bias
 * gradient, and the per-channel sums PReLU's slope gradient shares with it. Sums accumulate in
 * double, so a result does not drift with the length of the axis, and every split of the work
 * is fixed by the shape and the thread count, so a result does not change from run to run.
 */
final class ElementwiseReductions {
    /** Output columns one task accumulates at a time: a block of doubles that stays in L1. */
    private static final int BLOCK = 512;

    /** A body that handles rows [from, to) of {@code [outer*channels, inner]}, adding into acc[channel]. */
    @FunctionalInterface
    interface ChannelRows {
        void run(int from, int to, double[] acc);
    }

    private ElementwiseReductions() {
    }

    /**
     * Reduces the middle axis. Work is cut into units of one outer index and one block of inner
     * columns; when there are too few units to keep every thread busy (a whole vector summed to
     * a scalar, or column sums of a tall matrix), the axis is cut as well and partial results
     * are combined at the end.
     */
    static void reduce(Op op, int outer, int axis, int inner, float[] x, float[] y) {
        int cells = outer * inner;
        if (cells == 0) return;
        if (axis == 0) { // only SUM gets here: the sum over nothing
            Arrays.fill(y, 0, cells, 0f);
            return;
        }
        boolean max = op == Op.MAX;
        double divisor = op == Op.MEAN ? axis : 1;
        int width = Math.min(inner, BLOCK);
        int blocks = (inner + BLOCK - 1) / BLOCK;
        int units = outer * blocks;
        long work = (long) cells * axis;
        if (units >= Parallel.THREADS || work < 2L * CpuElementwise.GRAIN) {
            int grain = (int) Math.max(1, CpuElementwise.GRAIN / ((long) axis * width));
            Parallel.forRange(units, grain, (from, to) -> {
                double[] acc = new double[width];
                for (int u = from; u < to; u++) {
                    int o = u / blocks, j0 = (u % blocks) * BLOCK, len = Math.min(BLOCK, inner - j0);
                    accumulate(max, x, axis, inner, 0, axis, o, j0, len, acc, 0);
                    for (int j = 0; j < len; j++) y[o * inner + j0 + j] = (float) (acc[j] / divisor);
                }
            });
            return;
        }
        int parts = Math.min(Parallel.THREADS, axis);
        double[][] partial = new double[parts][cells];
        Parallel.forRange(parts, 1, (p0, p1) -> {
            for (int p = p0; p < p1; p++) {
                int a0 = (int) ((long) axis * p / parts), a1 = (int) ((long) axis * (p + 1) / parts);
                for (int u = 0; u < units; u++) {
                    int o = u / blocks, j0 = (u % blocks) * BLOCK, len = Math.min(BLOCK, inner - j0);
                    accumulate(max, x, axis, inner, a0, a1, o, j0, len, partial[p], o * inner + j0);
                }
            }
        });
        for (int k = 0; k < cells; k++) {
            double v = partial[0][k];
            for (int p = 1; p < parts; p++) v = max ? Math.max(v, partial[p][k]) : v + partial[p][k];
            y[k] = (float) (v / divisor);
        }
    }

    /**
     * Reduces x[o, a0..a1, j0..j0+len] over a into dst[d..d+len]: a contiguous row when inner is
     * one, otherwise rows of columns added together (a loop C2 vectorises).
     */
    private static void accumulate(boolean max, float[] x, int axis, int inner, int a0, int a1, int o, int j0, int len,
                                   double[] dst, int d) {
        int base = o * axis * inner + j0;
        if (inner == 1) {
            dst[d] = max ? maxOf(x, base + a0, a1 - a0) : sumOf(x, base + a0, a1 - a0);
            return;
        }
        int first = base + a0 * inner;
        for (int j = 0; j < len; j++) dst[d + j] = x[first + j];
        for (int a = a0 + 1; a < a1; a++) {
            int at = base + a * inner;
            if (max) {
                for (int j = 0; j < len; j++) dst[d + j] = Math.max(dst[d + j], x[at + j]);
            } else {
                for (int j = 0; j < len; j++) dst[d + j] += x[at + j];
            }
        }
    }

    /**
     * Sum of x[off..off+n) in double. C2 does not vectorise a lone reduction; the scalar path's
     * four accumulators at least hide the latency of the additions.
     */
    static double sumOf(float[] x, int off, int n) {
        if (VectorSupport.AVAILABLE) return ElementwiseVector.sum(x, off, n);
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            s0 += x[off + i];
            s1 += x[off + i + 1];
            s2 += x[off + i + 2];
            s3 += x[off + i + 3];
        }
        for (; i < n; i++) s0 += x[off + i];
        return (s0 + s1) + (s2 + s3);
    }

    /** Dot product of a[off..off+n) and b[off..off+n) in double. */
    static double dot(float[] a, float[] b, int off, int n) {
        if (VectorSupport.AVAILABLE) return ElementwiseVector.dot(a, b, off, n);
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            s0 += (double) a[off + i] * b[off + i];
            s1 += (double) a[off + i + 1] * b[off + i + 1];
            s2 += (double) a[off + i + 2] * b[off + i + 2];
            s3 += (double) a[off + i + 3] * b[off + i + 3];
        }
        for (; i < n; i++) s0 += (double) a[off + i] * b[off + i];
        return (s0 + s1) + (s2 + s3);
    }

    /** Largest of x[off..off+n), n at least one; NaN if any element is NaN, as Math.max does. */
    static float maxOf(float[] x, int off, int n) {
        if (VectorSupport.AVAILABLE) return ElementwiseVector.max(x, off, n);
        float m = x[off];
        for (int i = 1; i < n; i++) m = Math.max(m, x[off + i]);
        return m;
    }

    /** {@code db[c] = sum over o, i of dy[o, c, i]}. */
    static void biasGradient(int outer, int channels, int inner, float[] dy, float[] db) {
        if (inner == 1) { // [rows, channels]: column sums, whose inner loop runs along a row
            if (outer == 0) Arrays.fill(db, 0, channels, 0f);
            else reduce(Op.SUM, 1, outer, channels, dy, db);
            return;
        }
        channelSums(outer, channels, inner, db, (from, to, acc) -> {
            for (int r = from; r < to; r++) acc[r % channels] += sumOf(dy, r * inner, inner);
        });
    }

    /**
     * Runs body over the rows of {@code [outer*channels, inner]} in a fixed number of contiguous
     * parts, each adding into its own per-channel partial sums, then writes their total to out
     * (overwritten; zero for an empty tensor).
     */
    static void channelSums(int outer, int channels, int inner, float[] out, ChannelRows body) {
        int rows = outer * channels;
        long work = (long) rows * inner;
        int parts = (int) Math.max(1, Math.min(Math.min(Parallel.THREADS, rows), work / CpuElementwise.GRAIN));
        double[][] partial = new double[parts][channels];
        if (parts == 1) {
            if (work > 0) body.run(0, rows, partial[0]);
        } else {
            Parallel.forRange(parts, 1, (p0, p1) -> {
                for (int p = p0; p < p1; p++) {
                    body.run((int) ((long) rows * p / parts), (int) ((long) rows * (p + 1) / parts), partial[p]);
                }
            });
        }
        for (int c = 0; c < channels; c++) {
            double s = 0;
            for (double[] part : partial) s += part[c];
            out[c] = (float) s;
        }
    }
}
