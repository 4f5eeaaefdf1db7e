package io.neurite.conformance;

import io.neurite.device.Buffer;
import io.neurite.device.Op;
import io.neurite.device.Pool2dSpec;
import io.neurite.device.Window2d;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * {@link Op#MAX_POOL2D} and {@link Op#AVG_POOL2D} on the same list of windows: overlapping
 * (3x3 stride 2), non-square, strides that differ per axis, Keras' valid, same (even kernels pad
 * one more at the end) and full padding, explicit one-sided padding, and the LeNet-5 pool.
 *
 * <p>A max case returns y, the indices, dx for a seeded dy, and y again from a forward without
 * indices; an average case returns y and dx. Inputs are distinct values, so each window has one
 * maximum and the indices do not depend on how a backend breaks ties. Where padding is involved
 * the inputs are all negative, so a backend that lets a zero pad win a max, or counts padded
 * cells in an average, fails. Outputs start as NaN, so only an overwrite passes.
 *
 * <p>Tolerance: a max selects (exact), an average sums at most 25 terms, and the backward adds
 * at most a few overlapping shares: {@link Tolerance#ELEMENTWISE}. Indices are compared as
 * floats, exact at these sizes (under 2^24), and the relative slack of ELEMENTWISE stays below
 * one index step.
 */
final class PoolCases {
    private PoolCases() {
    }

    /** A named window over a named input; negative inputs where padding must not win or count. */
    private record Shape(String label, Pool2dSpec spec, boolean negative) {
    }

    private static List<Shape> shapes() {
        return List.of(
                new Shape("LeNet-5 2x2 stride 2, batch 8", spec(8, 6, 28, 28, "valid", 2, 2, 2, 2), false),
                new Shape("overlapping 3x3 stride 2 valid", spec(1, 3, 7, 7, "valid", 3, 3, 2, 2), false),
                new Shape("overlapping 3x3 stride 2 same", spec(2, 7, 17, 17, "same", 3, 3, 2, 2), true),
                new Shape("2x2 same (padding only at the end)", spec(3, 1, 3, 7, "same", 2, 2, 1, 1), true),
                new Shape("2x3 stride 1x3 same on a 1x33 image", spec(1, 3, 1, 33, "same", 2, 3, 1, 3), true),
                new Shape("3x3 full (corner windows hold one cell)", spec(1, 1, 3, 3, "full", 3, 3, 1, 1), true),
                new Shape("5x5 stride 3x2 same", spec(3, 1, 33, 33, "same", 5, 5, 3, 2), true),
                new Shape("5x5 valid", spec(1, 17, 7, 7, "valid", 5, 5, 1, 1), false),
                new Shape("1x1 stride 1", spec(2, 33, 3, 5, "valid", 1, 1, 1, 1), false),
                new Shape("1x3 stride 1x2 on width 129", spec(1, 1, 1, 129, "valid", 1, 3, 1, 2), false),
                // rows start at -2, 1, 4 (none past the end); columns at -1..15, the last clipped at 17
                new Shape("explicit padding top 2 left 1, 3x3 stride 3x2",
                        new Pool2dSpec(2, 3, 7, 17, new Window2d(3, 3, 3, 2, 2, 1, 3, 9)), true));
    }

    static List<OpCase> cases() {
        List<OpCase> all = new ArrayList<>();
        long seed = 40;
        for (Shape s : shapes()) {
            all.add(maxCase(s, seed++));
            all.add(avgCase(s, seed++));
        }
        return all;
    }

    /**
     * Max pooling's gradient is only defined where each window's maximum is unique: at a tie,
     * finite differences see a kink and average the two one-sided slopes. The inputs are
     * distinct values at least 0.01 apart, far beyond the step of 1e-6.
     */
    static List<GradCase> gradients() {
        List<GradCase> all = new ArrayList<>();
        List<Pool2dSpec> specs = List.of(
                spec(2, 2, 5, 5, "same", 3, 3, 2, 2),
                spec(1, 1, 4, 6, "same", 2, 3, 2, 3),
                spec(2, 1, 3, 5, "full", 2, 2, 2, 2),
                new Pool2dSpec(1, 2, 5, 6, new Window2d(3, 2, 1, 2, 2, 1, 5, 3)));
        long seed = 60;
        for (Pool2dSpec s : specs) {
            all.add(gradient(Op.MAX_POOL2D, s, seed++));
            all.add(gradient(Op.AVG_POOL2D, s, seed++));
        }
        return all;
    }

    static Pool2dSpec spec(int n, int c, int h, int w, String padding, int kh, int kw, int sh, int sw) {
        return new Pool2dSpec(n, c, h, w, Window2d.keras(padding, h, w, kh, kw, sh, sw));
    }

    private static String describe(Pool2dSpec s) {
        return "[" + s.n() + "," + s.c() + "," + s.h() + "," + s.w() + "] " + ConvCases.describe(s.window());
    }

    private static OpCase maxCase(Shape shape, long seed) {
        Pool2dSpec s = shape.spec();
        float[] x = distinct(seed, (int) s.inputLength(), shape.negative());
        float[] dy = Inputs.uniform(seed + 100, (int) s.outputLength(), -1, 1);
        OpCase.Run run = d -> {
            try (Scratch sc = new Scratch(d)) {
                Buffer bx = sc.upload(x), bdy = sc.upload(dy);
                Buffer y = sc.upload(ConvCases.nan(s.outputLength())), y2 = sc.upload(ConvCases.nan(s.outputLength()));
                Buffer idx = sc.upload(new int[(int) s.outputLength()]), dx = sc.upload(ConvCases.nan(s.inputLength()));
                d.ops().maxPool2dForward(s, bx, y, idx);
                d.ops().maxPool2dBackward(s, bdy, idx, dx);
                d.ops().maxPool2dForward(s, bx, y2, null);
                return new float[][] {sc.read(y), sc.read(idx), sc.read(dx), sc.read(y2)};
            }
        };
        OpCase.Reference ref = () -> {
            double[][] r = naive(Op.MAX_POOL2D, s, Inputs.toDouble(x), Inputs.toDouble(dy));
            return new double[][] {r[0], r[2], r[1], r[0]};
        };
        return new OpCase(Op.MAX_POOL2D, shape.label() + ": " + describe(s) + " (y, indices, dx, y without indices)",
                Tolerance.ELEMENTWISE, run, ref);
    }

    private static OpCase avgCase(Shape shape, long seed) {
        Pool2dSpec s = shape.spec();
        float[] x = Inputs.uniform(seed, (int) s.inputLength(), shape.negative() ? -2 : -1, shape.negative() ? -1 : 1);
        float[] dy = Inputs.uniform(seed + 100, (int) s.outputLength(), -1, 1);
        OpCase.Run run = d -> {
            try (Scratch sc = new Scratch(d)) {
                Buffer bx = sc.upload(x), bdy = sc.upload(dy);
                Buffer y = sc.upload(ConvCases.nan(s.outputLength())), dx = sc.upload(ConvCases.nan(s.inputLength()));
                d.ops().avgPool2dForward(s, bx, y);
                d.ops().avgPool2dBackward(s, bdy, dx);
                return new float[][] {sc.read(y), sc.read(dx)};
            }
        };
        OpCase.Reference ref = () -> {
            double[][] r = naive(Op.AVG_POOL2D, s, Inputs.toDouble(x), Inputs.toDouble(dy));
            return new double[][] {r[0], r[1]};
        };
        return new OpCase(Op.AVG_POOL2D, shape.label() + ": " + describe(s) + " (y, dx)", Tolerance.ELEMENTWISE, run, ref);
    }

    private static GradCase gradient(Op op, Pool2dSpec s, long seed) {
        double[] x = Inputs.toDouble(distinct(seed, (int) s.inputLength(), true));
        double[] dy = Inputs.toDouble(Inputs.uniform(seed + 100, (int) s.outputLength(), -1, 1));
        GradCase.Backward backward = (d, point, upstream) -> {
            try (Scratch sc = new Scratch(d)) {
                Buffer bx = sc.upload(point), bdy = sc.upload(upstream), dx = sc.upload(ConvCases.nan(s.inputLength()));
                if (op == Op.MAX_POOL2D) {
                    Buffer y = sc.floats(s.outputLength()), idx = sc.ints(s.outputLength());
                    d.ops().maxPool2dForward(s, bx, y, idx);
                    d.ops().maxPool2dBackward(s, bdy, idx, dx);
                } else {
                    d.ops().avgPool2dBackward(s, bdy, dx);
                }
                return sc.read(dx);
            }
        };
        return new GradCase(op, "x, " + describe(s), x, dy, v -> naive(op, s, v, null)[0], backward, 1e-4);
    }

    /**
     * Pooling straight from its definition, in double: each output scans its window's kernel
     * cells and skips those outside the image. Max keeps the first largest cell; average divides
     * by the number of cells inside. Returns {y, dx, indices} (dx null without dy).
     */
    static double[][] naive(Op op, Pool2dSpec s, double[] x, double[] dy) {
        Window2d win = s.window();
        int oh = win.outH(), ow = win.outW();
        double[] y = new double[(int) s.outputLength()], idx = new double[y.length];
        double[] dx = dy == null ? null : new double[(int) s.inputLength()];
        for (int plane = 0; plane < s.n() * s.c(); plane++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    int o = (plane * oh + oy) * ow + ox;
                    List<Integer> cells = new ArrayList<>();
                    for (int ky = 0; ky < win.kernelH(); ky++) {
                        for (int kx = 0; kx < win.kernelW(); kx++) {
                            int iy = oy * win.strideH() - win.padTop() + ky, ix = ox * win.strideW() - win.padLeft() + kx;
                            if (iy >= 0 && iy < s.h() && ix >= 0 && ix < s.w()) cells.add((plane * s.h() + iy) * s.w() + ix);
                        }
                    }
                    if (op == Op.MAX_POOL2D) {
                        int best = cells.getFirst();
                        for (int at : cells) if (x[at] > x[best]) best = at;
                        y[o] = x[best];
                        idx[o] = best;
                        if (dx != null) dx[best] += dy[o];
                    } else {
                        for (int at : cells) y[o] += x[at] / cells.size();
                        if (dx != null) for (int at : cells) dx[at] += dy[o] / cells.size();
                    }
                }
            }
        }
        return new double[][] {y, dx, idx};
    }

    /**
     * n distinct values, evenly spaced over [-2, -1] (negative) or [-1, 1], in seeded random order:
     * no window has a tied maximum.
     */
    static float[] distinct(long seed, int n, boolean negative) {
        double lo = negative ? -2 : -1, hi = negative ? -1 : 1;
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (lo + (hi - lo) * (i + 0.5) / n);
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            float t = v[i];
            v[i] = v[j];
            v[j] = t;
        }
        return v;
    }
}
