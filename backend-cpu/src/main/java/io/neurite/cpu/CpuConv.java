package io.neurite.cpu;

import io.neurite.device.Conv2dSpec;
import io.neurite.device.Window2d;
import java.util.Arrays;

/**
 * 2-d convolution (cross-correlation) on NCHW images as im2col plus GEMM, one image at a time.
 * With per image {@code col[K][P] = im2col(x_i)}, {@code K = c kh kw}, {@code P = outH outW}:
 * <ul>
 *   <li>forward: {@code y_i[f][P] = w[f][K] col[K][P]}</li>
 *   <li>backward data: {@code dcol[K][P] = w^T[K][f] dy_i[f][P]}, then col2im onto dx_i</li>
 *   <li>backward filter: {@code dw[f][K] = sum_i dy_i[f][P] col_i^T[P][K]}</li>
 * </ul>
 * Images are spread over the pool; the GEMM called inside a pool task runs inline (Parallel does
 * not nest), and with a single chunk of images the caller's thread runs it, so the GEMM can use
 * every core itself. The GEMM is always called with beta 0 or 1 and relies on beta 0 not reading C
 * (the BLAS convention), since the scratch it writes may hold anything.
 */
final class CpuConv {
    /** Multiply-adds below which one more thread costs more than it saves (a hand-off is microseconds). */
    private static final long MIN_MACS_PER_TASK = 1 << 16;

    private CpuConv() {
    }

    static void forward(Conv2dSpec s, float[] x, float[] w, float[] y) {
        Shape g = new Shape(s);
        if (g.outLen == 0) return;
        Parallel.forRange(s.n(), g.grain, (from, to) -> {
            float[] col = g.identity ? x : Im2col.scratch(g.colLen);
            for (int i = from; i < to; i++) {
                int colOff = g.identity ? i * g.inLen : 0;
                if (!g.identity) Im2col.unfold(g.win, s.c(), s.h(), s.w(), x, i * g.inLen, col);
                CpuGemm.gemm(false, false, s.filters(), g.p, g.k, 1f, w, 0, col, colOff, 0f, y, i * g.outLen);
            }
        });
    }

    static void backwardData(Conv2dSpec s, float[] dy, float[] w, float[] dx) {
        Shape g = new Shape(s);
        if (g.outLen == 0) {
            // no window touches the input, so nothing flows back
            Arrays.fill(dx, 0, (int) s.inputLength(), 0f);
            return;
        }
        Parallel.forRange(s.n(), g.grain, (from, to) -> {
            float[] dcol = g.identity ? null : Im2col.scratch(g.colLen);
            for (int i = from; i < to; i++) {
                if (g.identity) {
                    CpuGemm.gemm(true, false, g.k, g.p, s.filters(), 1f, w, 0, dy, i * g.outLen, 0f, dx, i * g.inLen);
                    continue;
                }
                CpuGemm.gemm(true, false, g.k, g.p, s.filters(), 1f, w, 0, dy, i * g.outLen, 0f, dcol, 0);
                Arrays.fill(dx, i * g.inLen, (i + 1) * g.inLen, 0f);
                Im2col.fold(g.win, s.c(), s.h(), s.w(), dcol, dx, i * g.inLen);
            }
        });
    }

    /**
     * The batch sum is split into a fixed number of contiguous image chunks; each accumulates
     * into its own partial (the first into dw itself) and the partials are added in chunk order
     * afterwards, so there are no races and the result does not depend on scheduling.
     */
    static void backwardFilter(Conv2dSpec s, float[] x, float[] dy, float[] dw) {
        Shape g = new Shape(s);
        int dwLen = (int) s.filterLength();
        if (g.outLen == 0 || s.n() == 0) {
            // an empty sum
            Arrays.fill(dw, 0, dwLen, 0f);
            return;
        }
        int n = s.n();
        int chunks = Math.max(1, Math.min(Parallel.THREADS, n / g.grain));
        float[][] partial = new float[chunks][];
        partial[0] = dw;
        for (int t = 1; t < chunks; t++) partial[t] = new float[dwLen];
        Parallel.forRange(chunks, 1, (c0, c1) -> {
            float[] col = g.identity ? x : Im2col.scratch(g.colLen);
            for (int t = c0; t < c1; t++) {
                int from = (int) ((long) n * t / chunks), to = (int) ((long) n * (t + 1) / chunks);
                for (int i = from; i < to; i++) {
                    int colOff = g.identity ? i * g.inLen : 0;
                    if (!g.identity) Im2col.unfold(g.win, s.c(), s.h(), s.w(), x, i * g.inLen, col);
                    CpuGemm.gemm(false, true, s.filters(), g.k, g.p, 1f, dy, i * g.outLen, col, colOff,
                            i == from ? 0f : 1f, partial[t], 0);
                }
            }
        });
        for (int t = 1; t < chunks; t++) {
            float[] part = partial[t];
            for (int j = 0; j < dwLen; j++) dw[j] += part[j];
        }
    }

    /** The sizes every pass needs, derived once per call. */
    private static final class Shape {
        final Window2d win;
        /** Per image: K, P, input and output lengths, column matrix length, and images per task. */
        final int k, p, inLen, outLen, colLen, grain;
        final boolean identity;

        Shape(Conv2dSpec s) {
            win = s.window();
            k = s.c() * win.kernelH() * win.kernelW();
            p = win.outH() * win.outW();
            inLen = s.c() * s.h() * s.w();
            outLen = s.filters() * p;
            identity = Im2col.isIdentity(win, s.h(), s.w());
            colLen = identity ? 0 : Im2col.columnLength(s.c(), win);
            long macs = Math.max(1, (long) outLen * k);
            grain = (int) Math.max(1, Math.min(Integer.MAX_VALUE, MIN_MACS_PER_TASK / macs));
        }
    }
}
