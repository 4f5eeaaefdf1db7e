package io.neurite.opencl;

import io.neurite.device.Buffer;
import io.neurite.device.Conv2dSpec;
import io.neurite.device.DeviceException;
import io.neurite.device.Pool2dSpec;
import io.neurite.device.Window2d;
import java.util.ArrayList;
import java.util.List;
import org.jocl.cl_mem;

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
final class ClWindows {
    /** The most floats a group's column matrix may take (64 MiB), so big layers go a group at a time. */
    private static final long MAX_COLUMNS = 16L << 20;

    private ClWindows() {
    }

    /** The window's eight ints, in the order of WINDOW_PARAMS. */
    private static void window(List<Object> args, Window2d w) {
        args.add(w.kernelH());
        args.add(w.kernelW());
        args.add(w.strideH());
        args.add(w.strideW());
        args.add(w.padTop());
        args.add(w.padLeft());
        args.add(w.outH());
        args.add(w.outW());
    }

    /** The sizes of a convolution, derived once per call. */
    private record Plan(Conv2dSpec s, int k, int p, int inLen, int outLen, int group, boolean identity) {
        static Plan of(Conv2dSpec s) {
            Window2d w = s.window();
            int k = s.c() * w.kernelH() * w.kernelW(), p = w.outH() * w.outW();
            boolean identity = w.kernelH() == 1 && w.kernelW() == 1 && w.strideH() == 1 && w.strideW() == 1
                    && w.padTop() == 0 && w.padLeft() == 0 && w.outH() == s.h() && w.outW() == s.w();
            long perImage = Math.max(1, ClShapes.index((long) k * p, "conv2d column matrix"));
            int group = (int) Math.max(1, Math.min(Math.max(1, s.n()), MAX_COLUMNS / perImage));
            return new Plan(s, k, p, ClShapes.index(s.inputLength() / Math.max(1, s.n()), "conv2d image"),
                    ClShapes.index((long) s.filters() * p, "conv2d output image"), group, identity);
        }

        int count(int i0) {
            return Math.min(group, s.n() - i0);
        }

        /** The column matrices of images [i0, i0 + count): x itself when the window is the identity. */
        cl_mem columns(OpenClDevice d, cl_mem x, int i0, int count) {
            if (identity) return x;
            cl_mem col = d.scratch().floats(ClScratch.Slot.CONV_COLUMNS, (long) group * k * p);
            List<Object> args = new ArrayList<>(List.of(s.c(), s.h(), s.w()));
            window(args, s.window());
            args.addAll(List.of(x, i0 * inLen, col));
            d.launcher().rows("im2col", (long) count * k * s.window().outH(), s.window().outW(), args.toArray());
            return col;
        }

        int columnsOffset(int i0) {
            return identity ? i0 * inLen : 0;
        }
    }

    static void convForward(OpenClDevice d, Conv2dSpec s, Buffer x, Buffer w, Buffer y) {
        Plan g = Plan.of(s);
        if (g.outLen == 0) return;
        for (int i0 = 0; i0 < s.n(); i0 += g.group) {
            int count = g.count(i0);
            cl_mem col = g.columns(d, mem(x), i0, count);
            ClGemm.run(d, false, false, count, s.filters(), g.p, g.k, 1f, mem(w), 0, 0, col, g.columnsOffset(i0),
                    g.identity ? g.inLen : g.k * g.p, 0f, mem(y), i0 * g.outLen, g.outLen);
        }
    }

    static void convBackwardData(OpenClDevice d, Conv2dSpec s, Buffer dy, Buffer w, Buffer dx) {
        Plan g = Plan.of(s);
        if (g.outLen == 0) { // no window reads the input, so nothing flows back
            d.fill(mem(dx), 0, s.inputLength() * 4);
            return;
        }
        for (int i0 = 0; i0 < s.n(); i0 += g.group) {
            int count = g.count(i0);
            cl_mem dcol = g.identity ? mem(dx) : d.scratch().floats(ClScratch.Slot.CONV_COLUMNS, (long) g.group * g.k * g.p);
            ClGemm.run(d, true, false, count, g.k, g.p, s.filters(), 1f, mem(w), 0, 0, mem(dy), i0 * g.outLen, g.outLen,
                    0f, dcol, g.columnsOffset(i0), g.identity ? g.inLen : g.k * g.p);
            if (g.identity) continue;
            List<Object> args = new ArrayList<>(List.of(s.c(), s.h(), s.w()));
            window(args, s.window());
            args.addAll(List.of(dcol, mem(dx), i0 * g.inLen));
            d.launcher().rows("col2im", (long) count * s.c() * s.h(), s.w(), args.toArray());
        }
    }

    static void convBackwardFilter(OpenClDevice d, Conv2dSpec s, Buffer x, Buffer dy, Buffer dw) {
        Plan g = Plan.of(s);
        int fk = ClShapes.index((long) s.filters() * g.k, "conv2d filter");
        if (g.outLen == 0 || s.n() == 0) { // an empty sum
            d.fill(mem(dw), 0, (long) fk * 4);
            return;
        }
        cl_mem partial = d.scratch().floats(ClScratch.Slot.CONV_PARTIAL, (long) g.group * fk);
        for (int i0 = 0; i0 < s.n(); i0 += g.group) {
            int count = g.count(i0);
            cl_mem col = g.columns(d, mem(x), i0, count);
            ClGemm.run(d, false, true, count, s.filters(), g.k, g.p, 1f, mem(dy), i0 * g.outLen, g.outLen, col,
                    g.columnsOffset(i0), g.identity ? g.inLen : g.k * g.p, 0f, partial, 0, fk);
            if (i0 == 0) {
                d.launcher().groups("reduce_axis", fk, 0, count, fk, partial, mem(dw));
            } else {
                cl_mem sum = d.scratch().floats(ClScratch.Slot.CONV_SUM, fk);
                d.launcher().groups("reduce_axis", fk, 0, count, fk, partial, sum);
                d.launcher().items("axpy", fk, fk, 1f, sum, mem(dw));
            }
        }
    }

    /** Pooling's kernels, after refusing a window that covers only padding (it has no value). */
    static void pool(OpenClDevice d, String kernel, Pool2dSpec s, boolean perOutput, Object... buffers) {
        Window2d w = s.window();
        checkWindows(s);
        List<Object> args = new ArrayList<>(List.of(s.h(), s.w()));
        window(args, w);
        for (Object b : buffers) args.add(b instanceof Buffer buf ? mem(buf) : b);
        long planes = (long) s.n() * s.c();
        if (perOutput) d.launcher().rows(kernel, planes * w.outH(), w.outW(), args.toArray());
        else d.launcher().rows(kernel, planes * s.h(), s.w(), args.toArray());
    }

    /** As the CPU backend: windows slide monotonically, so checking the first and last of each axis suffices. */
    private static void checkWindows(Pool2dSpec s) {
        Window2d w = s.window();
        if (w.outH() == 0 || w.outW() == 0) return;
        boolean empty = Math.min(s.h(), w.kernelH() - w.padTop()) <= 0
                || Math.min(s.h(), (w.outH() - 1) * w.strideH() - w.padTop() + w.kernelH()) <= Math.max(0, (w.outH() - 1) * w.strideH() - w.padTop())
                || Math.min(s.w(), w.kernelW() - w.padLeft()) <= 0
                || Math.min(s.w(), (w.outW() - 1) * w.strideW() - w.padLeft() + w.kernelW()) <= Math.max(0, (w.outW() - 1) * w.strideW() - w.padLeft());
        if (empty) {
            throw new DeviceException("pool2d: " + w + " on a " + s.h() + "x" + s.w() + " image has a window that "
                    + "covers only padding (padding must be smaller than the kernel and the output must not "
                    + "run past the padded image)");
        }
    }

    static cl_mem mem(Buffer b) {
        return ((OpenClBuffer) b).mem();
    }
}
