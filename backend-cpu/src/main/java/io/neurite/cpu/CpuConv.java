package io.neurite.cpu;

import io.neurite.device.Conv2dSpec;
import io.neurite.device.Window2d;
import java.util.Arrays;

/**
 * 2-d convolution (cross-correlation) on NCHW images as im2col plus GEMM. Images go in groups
 * of g side by side: with {@code col[K][g P] = im2col(x_group)}, {@code K = c kh kw},
 * {@code P = outH outW}, and {@code dy_group[f][g P]} the group's dy regrouped filter-major:
 * <ul>
 *   <li>forward: {@code y_group[f][g P] = w[f][K] col[K][g P]}, regrouped into y</li>
 *   <li>backward data: {@code dcol[K][g P] = w^T[K][f] dy_group[f][g P]}, then col2im onto dx</li>
 *   <li>backward filter: {@code dw[f][K] = sum over images of dy_i[f][P] col_i^T[P][K]}</li>
 * </ul>
 * Small images (LeNet's 10x10 outputs) would give a GEMM too narrow to run fast (9 GFLOP/s for
 * 16x100x150 against 54 for 16x1600x150 on one AVX-512 core), so a group is as many images as
 * make about {@link #TARGET_COLUMNS} columns; a 56x56 image is a group by itself, and then y, dy
 * and dx are used in place, with no regrouping. The backward filter always takes one image per
 * GEMM: there P is the summed dimension, and a longer sum measured no faster (35 against 44
 * GFLOP/s for 16x150 over 1600 terms against 16 products over 100).
 *
 * <p>Groups are spread over the pool; the GEMM called inside a pool task runs inline (Parallel
 * does not nest), and a single group runs on the caller's thread, so the GEMM can use every core
 * itself. The GEMM is called with beta 0 or 1 and relies on beta 0 not reading C (the BLAS
 * convention), since the scratch it writes may hold anything.
 */
final class CpuConv {
    /** Multiply-adds below which one more thread costs more than it saves (a hand-off is microseconds). */
    private static final long MIN_MACS_PER_TASK = 1 << 16;
    /** GEMM columns (output cells of the group) to aim for; the GEMM reaches its speed at about this width. */
    private static final int TARGET_COLUMNS = 1536;
    /** Most floats in one group's column matrix (16 MiB), so grouping never costs much memory. */
    private static final long MAX_GROUP_COLUMN = 4 << 20;

    private CpuConv() {
    }

    static void forward(Conv2dSpec s, float[] x, float[] w, float[] y) {
        Plan g = new Plan(s, true);
        if (g.outLen == 0) return;
        Parallel.forRange(g.groups, g.grain, (from, to) -> {
            float[] col = g.identity ? x : Im2col.scratch(0, g.colLen);
            float[] tmp = g.group > 1 ? Im2col.scratch(1, g.group * g.outLen) : null;
            for (int grp = from; grp < to; grp++) {
                int i0 = grp * g.group, count = g.count(grp), cols = count * g.p;
                int colOff = g.identity ? i0 * g.inLen : 0;
                if (!g.identity) g.unfold(x, i0, count, col);
                // a group of one is already laid out as y is
                CpuGemm.gemm(false, false, s.filters(), cols, g.k, 1f, w, 0, col, colOff, 0f,
                        count > 1 ? tmp : y, count > 1 ? 0 : i0 * g.outLen);
                if (count > 1) g.regroup(true, y, i0, count, tmp);
            }
        });
    }

    static void backwardData(Conv2dSpec s, float[] dy, float[] w, float[] dx) {
        Plan g = new Plan(s, true);
        if (g.outLen == 0) {
            // no window touches the input, so nothing flows back
            Arrays.fill(dx, 0, (int) s.inputLength(), 0f);
            return;
        }
        Parallel.forRange(g.groups, g.grain, (from, to) -> {
            float[] dcol = g.identity ? dx : Im2col.scratch(0, g.colLen);
            float[] tmp = g.group > 1 ? Im2col.scratch(1, g.group * g.outLen) : null;
            for (int grp = from; grp < to; grp++) {
                int i0 = grp * g.group, count = g.count(grp), cols = count * g.p;
                if (count > 1) g.regroup(false, dy, i0, count, tmp);
                CpuGemm.gemm(true, false, g.k, cols, s.filters(), 1f, w, 0, count > 1 ? tmp : dy,
                        count > 1 ? 0 : i0 * g.outLen, 0f, dcol, g.identity ? i0 * g.inLen : 0);
                if (!g.identity) g.fold(dcol, count, dx, i0);
            }
        });
    }

    /**
     * One image per GEMM (see the class comment). The batch sum is split into a fixed number of
     * contiguous runs of images; each run accumulates into its own partial (the first into dw
     * itself) and the partials are added in run order afterwards, so there are no races and the
     * result does not depend on scheduling.
     */
    static void backwardFilter(Conv2dSpec s, float[] x, float[] dy, float[] dw) {
        Plan g = new Plan(s, false);
        int dwLen = (int) s.filterLength();
        if (g.outLen == 0 || s.n() == 0) {
            // an empty sum
            Arrays.fill(dw, 0, dwLen, 0f);
            return;
        }
        int runs = Math.max(1, Math.min(Parallel.THREADS, g.groups / g.grain));
        float[][] partial = new float[runs][];
        partial[0] = dw;
        for (int t = 1; t < runs; t++) partial[t] = new float[dwLen];
        Parallel.forRange(runs, 1, (r0, r1) -> {
            float[] col = g.identity ? x : Im2col.scratch(0, g.colLen);
            for (int t = r0; t < r1; t++) {
                int from = (int) ((long) g.groups * t / runs), to = (int) ((long) g.groups * (t + 1) / runs);
                for (int i = from; i < to; i++) {
                    if (!g.identity) g.unfold(x, i, 1, col);
                    CpuGemm.gemm(false, true, s.filters(), g.k, g.p, 1f, dy, i * g.outLen,
                            col, g.identity ? i * g.inLen : 0, i == from ? 0f : 1f, partial[t], 0);
                }
            }
        });
        for (int t = 1; t < runs; t++) {
            float[] part = partial[t];
            for (int j = 0; j < dwLen; j++) dw[j] += part[j];
        }
    }

    /** The sizes and the grouping of one call, derived once. */
    private static final class Plan {
        final Conv2dSpec s;
        final Window2d win;
        /** Per image: K, P, input length, output length; images per group, groups, groups per task, column matrix length. */
        final int k, p, inLen, outLen, group, groups, grain, colLen;
        /** Whether the column matrix of an image is the image itself; then every group is one image. */
        final boolean identity;

        /** @param grouped whether to put several small images side by side in one GEMM */
        Plan(Conv2dSpec s, boolean grouped) {
            this.s = s;
            win = s.window();
            k = s.c() * win.kernelH() * win.kernelW();
            p = win.outH() * win.outW();
            inLen = s.c() * s.h() * s.w();
            outLen = s.filters() * p;
            identity = Im2col.isIdentity(win, s.h(), s.w());
            int wanted = !grouped || identity || p == 0 ? 1 : Math.ceilDiv(TARGET_COLUMNS, p);
            // never fewer groups than threads when the batch allows, nor a huge column matrix
            wanted = Math.min(wanted, Math.ceilDiv(Math.max(1, s.n()), Parallel.THREADS));
            wanted = (int) Math.min(wanted, Math.max(1, MAX_GROUP_COLUMN / Math.max(1, (long) k * p)));
            group = Math.max(1, wanted);
            groups = Math.ceilDiv(s.n(), group);
            colLen = identity ? 0 : Im2col.columnLength(s.c(), win, group);
            long macs = Math.max(1, (long) outLen * k * group);
            grain = (int) Math.max(1, Math.min(Integer.MAX_VALUE, MIN_MACS_PER_TASK / macs));
        }

        /** Images in group grp (the last may be short). */
        int count(int grp) {
            return Math.min(group, s.n() - grp * group);
        }

        /** im2col of images [i0, i0 + count) side by side into col [K][count P]. */
        void unfold(float[] x, int i0, int count, float[] col) {
            for (int b = 0; b < count; b++) {
                Im2col.unfold(win, s.c(), s.h(), s.w(), x, (i0 + b) * inLen, col, b * p, count * p);
            }
        }

        /** Zeroes images [i0, i0 + count) of dx and folds their columns of dcol [K][count P] onto them. */
        void fold(float[] dcol, int count, float[] dx, int i0) {
            for (int b = 0; b < count; b++) {
                Arrays.fill(dx, (i0 + b) * inLen, (i0 + b + 1) * inLen, 0f);
                Im2col.fold(win, s.c(), s.h(), s.w(), dcol, b * p, count * p, dx, (i0 + b) * inLen);
            }
        }

        /**
         * Moves the [f][P] blocks of images [i0, i0 + count) between image-major data ([n][f][P],
         * as y and dy are laid out) and filter-major grouped ([f][count P], as the GEMM sees them).
         */
        void regroup(boolean toImages, float[] images, int i0, int count, float[] grouped) {
            int f = s.filters();
            for (int b = 0; b < count; b++) {
                for (int ff = 0; ff < f; ff++) {
                    int at = ((i0 + b) * f + ff) * p, gat = (ff * count + b) * p;
                    if (toImages) System.arraycopy(grouped, gat, images, at, p);
                    else System.arraycopy(images, at, grouped, gat, p);
                }
            }
        }
    }
}
