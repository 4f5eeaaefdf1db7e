package io.neurite.kernels;

import io.neurite.device.Buffer;
import io.neurite.device.Conv2dSpec;
import io.neurite.device.DeviceException;
import io.neurite.device.Pool2dSpec;
import io.neurite.device.Window2d;
import io.neurite.kernels.CommonKernels.Scratch;
import java.util.ArrayList;
import java.util.List;

/**
 * Convolution and pooling on NCHW images (kernels in neurite/common/windows.h).
 *
 * <p>Convolution is im2col plus batched GEMM, a group of images at a time, with the column matrix
 * {@code col[image][K][P]} (K = c kh kw, P = outH outW) in scratch memory:
 * <ul>
 *   <li>forward: {@code y[b] = w[f][K] col[b]}, one product per image sharing w;</li>
 *   <li>backward data: {@code dcol[b] = w^T dy[b]}, then col2im gathers dcol onto dx;</li>
 *   <li>backward filter: {@code partial[b] = dy[b] col[b]^T}, then a tree reduction over the images
 *       of the group, added up over the groups.</li>
 * </ul>
 * A 1x1 kernel with stride 1 and no padding reads x (and writes dx) directly. Pooling is one item
 * per output (forward) or per input cell (backward, gathering), for any stride and padding.
 */
final class Windows {
    /** The most floats a group's column matrix may take (64 MiB), so big layers go a group at a time. */
    private static final long MAX_COLUMNS = 16L << 20;

    private Windows() {
    }

    /** The window's eight ints, in the order of WINDOW_PARAMS. */
    private static void window(List<Object> args, Window2d w) {
        args.addAll(List.of(w.kernelH(), w.kernelW(), w.strideH(), w.strideW(), w.padTop(), w.padLeft(), w.outH(), w.outW()));
    }

    /** The sizes of a convolution, derived once per call. */
    private record Plan(Conv2dSpec s, int k, int p, int inLen, int outLen, int group, boolean identity) {
        static Plan of(Conv2dSpec s) {
            Window2d w = s.window();
            int k = s.c() * w.kernelH() * w.kernelW(), p = w.outH() * w.outW();
            boolean identity = w.kernelH() == 1 && w.kernelW() == 1 && w.strideH() == 1 && w.strideW() == 1
                    && w.padTop() == 0 && w.padLeft() == 0 && w.outH() == s.h() && w.outW() == s.w();
            long perImage = Math.max(1, Shapes.index((long) k * p, "conv2d column matrix"));
            int group = (int) Math.max(1, Math.min(Math.max(1, s.n()), MAX_COLUMNS / perImage));
            return new Plan(s, k, p, Shapes.index(s.inputLength() / Math.max(1, s.n()), "conv2d image"),
                    Shapes.index((long) s.filters() * p, "conv2d output image"), group, identity);
        }

        int count(int i0) {
            return Math.min(group, s.n() - i0);
        }

        long columnFloats() {
            return (long) group * k * p;
        }

        /** Column memory for the whole call: x itself when the window is the identity, else scratch. */
        <M> M columnsOf(CommonKernels<M> d, M x) {
            return identity ? x : d.scratch(Scratch.CONV_COLUMNS, columnFloats());
        }

        /** Fills col with the column matrices of images [i0, i0 + count) (nothing for the identity window). */
        void columns(Launcher run, Object x, int i0, int count, Object col) {
            if (identity) return;
            List<Object> args = new ArrayList<>(List.of(s.c(), s.h(), s.w()));
            window(args, s.window());
            args.addAll(List.of(x, i0 * inLen, col));
            run.rows(KernelEntry.IM2COL, (long) count * k * s.window().outH(), s.window().outW(), args.toArray());
        }

        int columnsOffset(int i0) {
            return identity ? i0 * inLen : 0;
        }

        int columnsStride() {
            return identity ? inLen : k * p;
        }

        <M> void recycleColumns(CommonKernels<M> d, M col) {
            if (!identity) d.recycle(col);
        }
    }

    static <M> void convForward(CommonKernels<M> d, Conv2dSpec s, Buffer x, Buffer w, Buffer y) {
        Plan g = Plan.of(s);
        if (g.outLen == 0 || s.n() == 0) return;
        M col = g.columnsOf(d, d.memory(x));
        try {
            for (int i0 = 0; i0 < s.n(); i0 += g.group) {
                int count = g.count(i0);
                g.columns(d.run, d.memory(x), i0, count, col);
                d.gemm(false, false, count, s.filters(), g.p, g.k, 1f, d.memory(w), 0, 0, col, g.columnsOffset(i0),
                        g.columnsStride(), 0f, d.memory(y), i0 * g.outLen, g.outLen);
            }
        } finally {
            g.recycleColumns(d, col);
        }
    }

    static <M> void convBackwardData(CommonKernels<M> d, Conv2dSpec s, Buffer dy, Buffer w, Buffer dx) {
        Plan g = Plan.of(s);
        if (g.outLen == 0) { // no window reads the input, so nothing flows back
            d.fillWords(d.memory(dx), 0, s.inputLength());
            return;
        }
        if (s.n() == 0) return;
        M dcol = g.columnsOf(d, d.memory(dx));
        try {
            for (int i0 = 0; i0 < s.n(); i0 += g.group) {
                int count = g.count(i0);
                d.gemm(true, false, count, g.k, g.p, s.filters(), 1f, d.memory(w), 0, 0, d.memory(dy), i0 * g.outLen,
                        g.outLen, 0f, dcol, g.columnsOffset(i0), g.columnsStride());
                if (g.identity) continue;
                List<Object> args = new ArrayList<>(List.of(s.c(), s.h(), s.w()));
                window(args, s.window());
                args.addAll(List.of(dcol, d.memory(dx), i0 * g.inLen));
                d.run.rows(KernelEntry.COL2IM, (long) count * s.c() * s.h(), s.w(), args.toArray());
            }
        } finally {
            g.recycleColumns(d, dcol);
        }
    }

    static <M> void convBackwardFilter(CommonKernels<M> d, Conv2dSpec s, Buffer x, Buffer dy, Buffer dw) {
        Plan g = Plan.of(s);
        int fk = Shapes.index((long) s.filters() * g.k, "conv2d filter");
        if (g.outLen == 0 || s.n() == 0) { // an empty sum
            d.fillWords(d.memory(dw), 0, fk);
            return;
        }
        M col = g.columnsOf(d, d.memory(x));
        M partial = d.scratch(Scratch.CONV_PARTIAL, (long) g.group * fk);
        M sum = g.group < s.n() ? d.scratch(Scratch.CONV_SUM, fk) : null;
        try {
            for (int i0 = 0; i0 < s.n(); i0 += g.group) {
                int count = g.count(i0);
                g.columns(d.run, d.memory(x), i0, count, col);
                d.gemm(false, true, count, s.filters(), g.k, g.p, 1f, d.memory(dy), i0 * g.outLen, g.outLen, col,
                        g.columnsOffset(i0), g.columnsStride(), 0f, partial, 0, fk);
                if (i0 == 0) {
                    d.run.groups(KernelEntry.REDUCE_AXIS, fk, 0, count, fk, partial, dw);
                } else {
                    d.run.groups(KernelEntry.REDUCE_AXIS, fk, 0, count, fk, partial, sum);
                    d.run.items(KernelEntry.AXPY, fk, fk, 1f, sum, dw);
                }
            }
        } finally {
            g.recycleColumns(d, col);
            d.recycle(partial);
            if (sum != null) d.recycle(sum);
        }
    }

    /** Pooling's kernels, after refusing a window that covers only padding (it has no value). */
    static void pool(Launcher run, KernelEntry kernel, Pool2dSpec s, boolean perOutput, Object... buffers) {
        Window2d w = s.window();
        checkWindows(s);
        List<Object> args = new ArrayList<>(List.of(s.h(), s.w()));
        window(args, w);
        args.addAll(List.of(buffers));
        long planes = (long) s.n() * s.c();
        if (perOutput) run.rows(kernel, planes * w.outH(), w.outW(), args.toArray());
        else run.rows(kernel, planes * s.h(), s.w(), args.toArray());
    }

    /** As the CPU backend: windows slide monotonically, so checking the first and last of each axis suffices. */
    private static void checkWindows(Pool2dSpec s) {
        Window2d w = s.window();
        if (w.outH() == 0 || w.outW() == 0) return;
        if (empty(s.h(), w.kernelH(), w.strideH(), w.padTop(), w.outH())
                || empty(s.w(), w.kernelW(), w.strideW(), w.padLeft(), w.outW())) {
            throw new DeviceException("pool2d: " + w + " on a " + s.h() + "x" + s.w() + " image has a window that "
                    + "covers only padding (padding must be smaller than the kernel and the output must not "
                    + "run past the padded image)");
        }
    }

    /** Whether the first or the last window along an axis of size covers no cell of the image. */
    private static boolean empty(int size, int kernel, int stride, int pad, int out) {
        int lastStart = (out - 1) * stride - pad;
        return Math.min(size, kernel - pad) <= 0 || Math.min(size, lastStart + kernel) <= Math.max(0, lastStart);
    }
}
