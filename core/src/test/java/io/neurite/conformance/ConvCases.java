package io.neurite.conformance;

import io.neurite.device.Buffer;
import io.neurite.device.Conv2dSpec;
import io.neurite.device.Op;
import io.neurite.device.Window2d;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@link Op#CONV2D}: every case runs the forward, the backward for data and the backward for the
 * filter on the same seeded x, w and dy, giving three outputs. Outputs start as NaN, so a backend
 * that accumulates into dx or dw instead of overwriting them fails.
 *
 * <p>Shapes cover 1x1 images and kernels, non-square kernels, strides that differ per axis and
 * exceed the kernel (input cells no window reads get a zero gradient), Keras' valid, same
 * (including even kernels, whose extra padding goes at the bottom and right) and full padding,
 * explicit padding on one side only, an empty batch, and the two LeNet-5 layers.
 *
 * <p>Tolerance: each output is a dot product of K = c kh kw terms (forward), about f kh kw / s^2
 * terms (backward data) or n outH outW terms (backward filter), summed in another order than
 * the reference; up to about 2000 terms {@link Tolerance#REDUCTION} holds, above that the bound
 * grows with the length.
 */
final class ConvCases {
    private ConvCases() {
    }

    static List<OpCase> cases() {
        List<OpCase> all = new ArrayList<>();
        all.add(forAllPasses("1x1 image, 1x1 kernel", spec(1, 1, 1, 1, 1, "valid", 1, 1, 1, 1), 11));
        all.add(forAllPasses("1x1 kernel, stride 1 (GEMM on x itself)", spec(3, 33, 3, 5, 7, "valid", 1, 1, 1, 1), 12));
        all.add(forAllPasses("3x3 same", spec(2, 3, 7, 7, 3, "same", 3, 3, 1, 1), 13));
        all.add(forAllPasses("5x5 valid, stride 2x3", spec(1, 1, 17, 33, 7, "valid", 5, 5, 2, 3), 14));
        all.add(forAllPasses("2x3 same (padding 0 above, 1 below)", spec(3, 7, 17, 17, 17, "same", 2, 3, 1, 1), 15));
        all.add(forAllPasses("4x4 same, stride 3x2 (asymmetric padding)", spec(2, 3, 7, 17, 3, "same", 4, 4, 3, 2), 16));
        all.add(forAllPasses("3x3 full", spec(2, 3, 7, 3, 1, "full", 3, 3, 1, 1), 17));
        all.add(forAllPasses("3x3 full on a 1x1 image", spec(2, 3, 1, 1, 7, "full", 3, 3, 1, 1), 18));
        all.add(forAllPasses("1x1 kernel, stride 3x2 beyond the kernel", spec(2, 3, 17, 17, 3, "valid", 1, 1, 3, 2), 19));
        all.add(forAllPasses("3x3 same, stride 2, 33 filters", spec(2, 17, 33, 33, 33, "same", 3, 3, 2, 2), 20));
        all.add(forAllPasses("1x3 same, stride 1x2, width 129", spec(1, 1, 3, 129, 3, "same", 1, 3, 1, 2), 21));
        // padding only above and on the left: the output size leaves none at the bottom or right
        all.add(forAllPasses("explicit padding top 2 left 1", new Conv2dSpec(2, 3, 7, 9, 3,
                new Window2d(3, 2, 2, 1, 2, 1, 4, 9)), 22));
        all.add(forAllPasses("empty batch (dw is an empty sum)", spec(0, 3, 5, 5, 7, "same", 3, 3, 1, 1), 23));
        all.add(forAllPasses("LeNet-5 conv1, batch 8", spec(8, 1, 28, 28, 6, "same", 5, 5, 1, 1), 24));
        all.add(forAllPasses("LeNet-5 conv2, batch 8", spec(8, 6, 14, 14, 16, "valid", 5, 5, 1, 1), 25));
        return all;
    }

    static List<GradCase> gradients() {
        List<GradCase> all = new ArrayList<>();
        for (var s : List.of(
                spec(2, 2, 5, 4, 3, "same", 3, 2, 2, 1),
                spec(1, 3, 6, 5, 2, "same", 2, 2, 1, 3),
                spec(2, 1, 4, 4, 2, "full", 3, 3, 1, 1),
                new Conv2dSpec(1, 2, 5, 5, 2, new Window2d(3, 3, 2, 2, 2, 0, 3, 2)))) {
            all.add(gradient(s, true, 31));
            all.add(gradient(s, false, 32));
        }
        return all;
    }

    /** A spec whose window follows Keras' padding mode. */
    static Conv2dSpec spec(int n, int c, int h, int w, int f, String padding, int kh, int kw, int sh, int sw) {
        return new Conv2dSpec(n, c, h, w, f, Window2d.keras(padding, h, w, kh, kw, sh, sw));
    }

    /** A window in words, for case names. */
    static String describe(Window2d win) {
        return "kernel " + win.kernelH() + "x" + win.kernelW() + " stride " + win.strideH() + "x" + win.strideW()
                + " pad " + win.padTop() + "," + win.padLeft() + " out " + win.outH() + "x" + win.outW();
    }

    private static String describe(Conv2dSpec s) {
        return "[" + s.n() + "," + s.c() + "," + s.h() + "," + s.w() + "] " + s.filters() + " filters " + describe(s.window());
    }

    private static OpCase forAllPasses(String label, Conv2dSpec s, long seed) {
        float[] x = Inputs.uniform(seed, (int) s.inputLength(), -1, 1);
        float[] w = Inputs.uniform(seed + 100, (int) s.filterLength(), -0.5, 0.5);
        float[] dy = Inputs.uniform(seed + 200, (int) s.outputLength(), -1, 1);
        Window2d win = s.window();
        long terms = Math.max(s.c() * win.kernelH() * win.kernelW(),
                Math.max((long) s.filters() * win.kernelH() * win.kernelW(), (long) s.n() * win.outH() * win.outW()));
        double bound = 1e-4 * Math.max(1, terms / 2048.0);
        OpCase.Run run = d -> {
            try (Scratch sc = new Scratch(d)) {
                Buffer bx = sc.upload(x), bw = sc.upload(w), bdy = sc.upload(dy);
                Buffer y = sc.upload(nan(s.outputLength())), dx = sc.upload(nan(s.inputLength()));
                Buffer dw = sc.upload(nan(s.filterLength()));
                d.ops().conv2dForward(s, bx, bw, y);
                d.ops().conv2dBackwardData(s, bdy, bw, dx);
                d.ops().conv2dBackwardFilter(s, bx, bdy, dw);
                return new float[][] {sc.read(y), sc.read(dx), sc.read(dw)};
            }
        };
        return new OpCase(Op.CONV2D, label + ": " + describe(s) + " (forward, backward data, backward filter)",
                new Tolerance(bound, bound), run,
                () -> naive(s, Inputs.toDouble(x), Inputs.toDouble(w), Inputs.toDouble(dy)));
    }

    /** A finite-difference check of backward data (wrtX) or backward filter, with the other operand fixed. */
    private static GradCase gradient(Conv2dSpec s, boolean wrtX, long seed) {
        double[] x = Inputs.toDouble(Inputs.uniform(seed, (int) s.inputLength(), -1, 1));
        double[] w = Inputs.toDouble(Inputs.uniform(seed + 1, (int) s.filterLength(), -0.5, 0.5));
        double[] dy = Inputs.toDouble(Inputs.uniform(seed + 2, (int) s.outputLength(), -1, 1));
        GradCase.Forward forward = v -> naive(s, wrtX ? v : x, wrtX ? w : v, null)[0];
        GradCase.Backward backward = (d, point, upstream) -> {
            try (Scratch sc = new Scratch(d)) {
                Buffer at = sc.upload(point), bdy = sc.upload(upstream);
                if (wrtX) {
                    Buffer dx = sc.upload(nan(s.inputLength()));
                    d.ops().conv2dBackwardData(s, bdy, sc.upload(Inputs.toFloat(w)), dx);
                    return sc.read(dx);
                }
                Buffer dw = sc.upload(nan(s.filterLength()));
                d.ops().conv2dBackwardFilter(s, sc.upload(Inputs.toFloat(x)), bdy, dw);
                return sc.read(dw);
            }
        };
        return new GradCase(Op.CONV2D, (wrtX ? "x, " : "w, ") + describe(s), wrtX ? x : w, dy, forward, backward, 1e-4);
    }

    /**
     * The convolution straight from its definition, in double: every (image, filter, output
     * cell, channel, kernel cell) term whose input cell lies inside the image adds
     * {@code x w} to y and, when dy is given, {@code dy w} to dx and {@code dy x} to dw.
     * Returns {y, dx, dw} (the last two null without dy).
     */
    static double[][] naive(Conv2dSpec s, double[] x, double[] w, double[] dy) {
        Window2d win = s.window();
        int kh = win.kernelH(), kw = win.kernelW(), oh = win.outH(), ow = win.outW();
        double[] y = new double[(int) s.outputLength()];
        double[] dx = dy == null ? null : new double[(int) s.inputLength()];
        double[] dw = dy == null ? null : new double[(int) s.filterLength()];
        for (int n = 0; n < s.n(); n++) {
            for (int f = 0; f < s.filters(); f++) {
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        int yi = ((n * s.filters() + f) * oh + oy) * ow + ox;
                        for (int c = 0; c < s.c(); c++) {
                            for (int ky = 0; ky < kh; ky++) {
                                for (int kx = 0; kx < kw; kx++) {
                                    int iy = oy * win.strideH() - win.padTop() + ky;
                                    int ix = ox * win.strideW() - win.padLeft() + kx;
                                    if (iy < 0 || iy >= s.h() || ix < 0 || ix >= s.w()) continue;
                                    int xi = ((n * s.c() + c) * s.h() + iy) * s.w() + ix;
                                    int wi = ((f * s.c() + c) * kh + ky) * kw + kx;
                                    y[yi] += x[xi] * w[wi];
                                    if (dy != null) {
                                        dx[xi] += dy[yi] * w[wi];
                                        dw[wi] += dy[yi] * x[xi];
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return new double[][] {y, dx, dw};
    }

    /** Output buffers start as NaN so that only an overwrite passes. */
    static float[] nan(long length) {
        float[] v = new float[(int) length];
        Arrays.fill(v, Float.NaN);
        return v;
    }
}
