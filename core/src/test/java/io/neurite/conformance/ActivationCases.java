package io.neurite.conformance;

import io.neurite.device.Buffer;
import io.neurite.device.Device;
import io.neurite.device.Op;
import java.util.ArrayList;
import java.util.List;

/**
 * Cases for RELU, LEAKY_RELU, SIGMOID, TANH, PRELU, SOFTMAX and LOG_SOFTMAX, forward and
 * backward, with finite-difference checks of every backward. Inputs include zeros of both signs
 * and magnitudes where a naive sigmoid or softmax overflows. Pointwise results are
 * {@link Tolerance#ELEMENTWISE}; PReLU's slope gradient is a sum ({@link Tolerance#REDUCTION});
 * softmax divides by a sum of up to thousands of terms, whose order changes its last bits, so it
 * allows 1e-4 relative but stays tight (1e-6) in absolute terms, as its outputs are small.
 */
final class ActivationCases {
    private static final Op[] POINTWISE = {Op.RELU, Op.LEAKY_RELU, Op.SIGMOID, Op.TANH};
    private static final float ALPHA = 0.1f;
    private static final Tolerance SOFTMAX = new Tolerance(1e-6, 1e-4);
    /** Zeros, tiny and huge magnitudes, and the exp overflow points of float (88) and beyond. */
    private static final float[] EDGES = {0f, -0f, 1e-30f, -1e-30f, 0.5f, -0.5f, 20f, -20f, 88f, -88f, 100f, -100f,
            1e4f, -1e4f, 3e38f, -3e38f, Float.MIN_VALUE};

    private ActivationCases() {
    }

    static List<OpCase> cases() {
        List<OpCase> all = new ArrayList<>();
        for (Op op : POINTWISE) {
            for (int n : Inputs.AWKWARD) {
                all.add(pointwise(op, Inputs.uniform(51, n, -4, 4), false));
                all.add(pointwiseBackward(op, n));
            }
            all.add(pointwise(op, Inputs.uniform(52, ElementwiseCases.LARGE, -6, 6), false));
            all.add(pointwise(op, Inputs.uniform(53, 129, -4, 4), true));
            all.add(pointwise(op, EDGES, false));
            all.add(pointwise(op, new float[0], false));
            all.add(pointwiseBackward(op, ElementwiseCases.LARGE));
            all.add(pointwiseBackward(op, 0));
        }
        for (int[] s : new int[][] {{1, 1, 1}, {2, 3, 5}, {3, 7, 17}, {33, 17, 1}, {2, 129, 3}, {4, 8, 4096}, {0, 3, 5}}) {
            all.add(prelu(s[0], s[1], s[2]));
            all.add(preluBackward(s[0], s[1], s[2]));
        }
        for (Op op : new Op[] {Op.SOFTMAX, Op.LOG_SOFTMAX}) {
            for (int[] rc : new int[][] {{1, 1}, {3, 7}, {17, 33}, {7, 129}, {129, 17}, {40, 3000}, {0, 7}}) {
                all.add(softmax(op, rc[0], rc[1], Inputs.uniform(54, rc[0] * rc[1], -5, 5), "uniform(-5, 5)"));
                all.add(softmaxBackward(op, rc[0], rc[1]));
            }
            all.add(softmax(op, 17, 33, Inputs.uniform(55, 17 * 33, -1e4, 1e4), "logits spread over +-1e4"));
            all.add(softmax(op, 3, 7, new float[] {1000, -1000, 1000, -1000, 999, 0, 1, 1e4f, 1e4f, 1e4f, 1e4f, 1e4f,
                    1e4f, 1e4f, -1e4f, -1e4f, -1e4f, -1e4f, -1e4f, -1e4f, -9999}, "+-1000, equal 1e4, all -1e4"));
        }
        return all;
    }

    static List<GradCase> gradients() {
        List<GradCase> all = new ArrayList<>();
        for (Op op : POINTWISE) all.add(pointwiseGradient(op, 37));
        all.add(preluGradient(2, 3, 5, true));
        all.add(preluGradient(2, 3, 5, false));
        all.add(preluGradient(7, 4, 1, false));
        for (Op op : new Op[] {Op.SOFTMAX, Op.LOG_SOFTMAX}) {
            all.add(softmaxGradient(op, 3, 7));
            all.add(softmaxGradient(op, 1, 33));
        }
        return all;
    }

    // ---- pointwise activations --------------------------------------------------------------

    static double f(Op op, double x) {
        return switch (op) {
            case RELU -> Math.max(x, 0);
            case LEAKY_RELU -> x > 0 ? x : ALPHA * x;
            case SIGMOID -> 1 / (1 + Math.exp(-x));
            case TANH -> Math.tanh(x);
            default -> throw new IllegalArgumentException(op.toString());
        };
    }

    /** f'(x) dy, from x for the piecewise-linear ones (0 counts as negative) and from y for the others. */
    static double df(Op op, double x, double y, double dy) {
        return switch (op) {
            case RELU -> x > 0 ? dy : 0;
            case LEAKY_RELU -> x > 0 ? dy : ALPHA * dy;
            case SIGMOID -> dy * y * (1 - y);
            case TANH -> dy * (1 - y * y);
            default -> throw new IllegalArgumentException(op.toString());
        };
    }

    private static double[] map(Op op, double[] x) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) y[i] = f(op, x[i]);
        return y;
    }

    private static OpCase pointwise(Op op, float[] x, boolean inPlace) {
        int n = x.length;
        return new OpCase(op, "n=" + n + (inPlace ? " in place" : x == EDGES ? " edge values" : ""), Tolerance.ELEMENTWISE, d -> {
            try (Scratch s = new Scratch(d)) {
                Buffer bx = s.upload(x), y = inPlace ? bx : s.floats(n);
                d.ops().activation(op, ALPHA, n, bx, y);
                return new float[][] {s.read(y)};
            }
        }, () -> new double[][] {map(op, Inputs.toDouble(x))});
    }

    /** The backward given x, the forward's y (computed here, rounded to float) and dy; x includes both zeros. */
    private static OpCase pointwiseBackward(Op op, int n) {
        float[] x = Inputs.uniform(56, n, -4, 4), dy = Inputs.uniform(57, n, -1, 1);
        if (n > 2) {
            x[0] = 0f;
            x[1] = -0f;
        }
        float[] y = Inputs.toFloat(map(op, Inputs.toDouble(x)));
        return new OpCase(op, "backward n=" + n, Tolerance.ELEMENTWISE, d -> {
            try (Scratch s = new Scratch(d)) {
                Buffer dx = s.floats(n);
                d.ops().activationBackward(op, ALPHA, n, s.upload(x), s.upload(y), s.upload(dy), dx);
                return new float[][] {s.read(dx)};
            }
        }, () -> {
            double[] dx = new double[n];
            for (int i = 0; i < n; i++) dx[i] = df(op, x[i], y[i], dy[i]);
            return new double[][] {dx};
        });
    }

    /** x stays away from the kink at 0, where the finite difference straddles two slopes. */
    private static GradCase pointwiseGradient(Op op, int n) {
        double[] x = Inputs.toDouble(ElementwiseCases.awayFromZero(58, n));
        double[] dy = Inputs.toDouble(Inputs.uniform(59, n, -1, 1));
        return new GradCase(op, "x n=" + n, x, dy, xs -> map(op, xs), (Device d, float[] xs, float[] g) -> {
            try (Scratch s = new Scratch(d)) {
                Buffer bx = s.upload(xs), y = s.floats(n), dx = s.floats(n);
                d.ops().activation(op, ALPHA, n, bx, y);
                d.ops().activationBackward(op, ALPHA, n, bx, y, s.upload(g), dx);
                return s.read(dx);
            }
        }, 1e-4);
    }

    // ---- PReLU ------------------------------------------------------------------------------

    private static double[] naivePrelu(int channels, int inner, double[] x, double[] slope) {
        double[] y = new double[x.length];
        for (int k = 0; k < x.length; k++) y[k] = x[k] > 0 ? x[k] : slope[k / inner % channels] * x[k];
        return y;
    }

    private static String shape(int outer, int channels, int inner) {
        return "[" + outer + ", " + channels + ", " + inner + "]";
    }

    private static OpCase prelu(int outer, int channels, int inner) {
        int n = outer * channels * inner;
        float[] x = Inputs.uniform(60, n, -2, 2), slope = Inputs.uniform(61, channels, -0.5, 0.5);
        return new OpCase(Op.PRELU, shape(outer, channels, inner), Tolerance.ELEMENTWISE, d -> {
            try (Scratch s = new Scratch(d)) {
                Buffer y = s.floats(n);
                d.ops().prelu(outer, channels, inner, s.upload(x), s.upload(slope), y);
                return new float[][] {s.read(y)};
            }
        }, () -> new double[][] {naivePrelu(channels, inner, Inputs.toDouble(x), Inputs.toDouble(slope))});
    }

    /** dx and dSlope; dSlope starts as garbage to show it is overwritten, not accumulated. */
    private static OpCase preluBackward(int outer, int channels, int inner) {
        int n = outer * channels * inner;
        float[] x = Inputs.uniform(62, n, -2, 2), slope = Inputs.uniform(63, channels, -0.5, 0.5);
        float[] dy = Inputs.uniform(64, n, -1, 1);
        return new OpCase(Op.PRELU, "backward " + shape(outer, channels, inner), Tolerance.REDUCTION, d -> {
            try (Scratch s = new Scratch(d)) {
                Buffer dx = s.floats(n), dSlope = s.upload(Inputs.uniform(65, channels, 5, 6));
                d.ops().preluBackward(outer, channels, inner, s.upload(x), s.upload(slope), s.upload(dy), dx, dSlope);
                return new float[][] {s.read(dx), s.read(dSlope)};
            }
        }, () -> {
            double[] dx = new double[n], dSlope = new double[channels];
            for (int k = 0; k < n; k++) {
                int c = k / inner % channels;
                dx[k] = x[k] > 0 ? dy[k] : (double) slope[c] * dy[k];
                if (!(x[k] > 0)) dSlope[c] += (double) x[k] * dy[k];
            }
            return new double[][] {dx, dSlope};
        });
    }

    /** With respect to x (slope fixed) or to the slope (x fixed, away from 0). */
    private static GradCase preluGradient(int outer, int channels, int inner, boolean wrtX) {
        int n = outer * channels * inner;
        double[] x = Inputs.toDouble(ElementwiseCases.awayFromZero(66, n));
        double[] slope = Inputs.toDouble(Inputs.uniform(67, channels, -0.5, 0.5));
        double[] dy = Inputs.toDouble(Inputs.uniform(68, n, -1, 1));
        GradCase.Forward forward = wrtX ? xs -> naivePrelu(channels, inner, xs, slope) : ss -> naivePrelu(channels, inner, x, ss);
        String name = (wrtX ? "x " : "slope ") + shape(outer, channels, inner);
        return new GradCase(Op.PRELU, name, wrtX ? x : slope, dy, forward, (Device d, float[] point, float[] g) -> {
            try (Scratch s = new Scratch(d)) {
                Buffer bx = s.upload(wrtX ? point : Inputs.toFloat(x)), bs = s.upload(wrtX ? Inputs.toFloat(slope) : point);
                Buffer dx = s.floats(n), dSlope = s.floats(channels);
                d.ops().preluBackward(outer, channels, inner, bx, bs, s.upload(g), dx, dSlope);
                return s.read(wrtX ? dx : dSlope);
            }
        }, 1e-4);
    }

    // ---- softmax ----------------------------------------------------------------------------

    /** Row-wise softmax or log-softmax in double, shifted by the row max like the kernels. */
    static double[] naiveSoftmax(Op op, int rows, int cols, double[] x) {
        double[] y = new double[rows * cols];
        for (int r = 0; r < rows; r++) {
            int off = r * cols;
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (int j = 0; j < cols; j++) max = Math.max(max, x[off + j]);
            for (int j = 0; j < cols; j++) sum += Math.exp(x[off + j] - max);
            for (int j = 0; j < cols; j++) {
                double shifted = x[off + j] - max;
                y[off + j] = op == Op.SOFTMAX ? Math.exp(shifted) / sum : shifted - Math.log(sum);
            }
        }
        return y;
    }

    private static OpCase softmax(Op op, int rows, int cols, float[] x, String values) {
        return new OpCase(op, rows + "x" + cols + " " + values, SOFTMAX, d -> {
            try (Scratch s = new Scratch(d)) {
                Buffer y = s.floats(rows * cols);
                d.ops().softmax(op, rows, cols, s.upload(x), y);
                return new float[][] {s.read(y)};
            }
        }, () -> new double[][] {naiveSoftmax(op, rows, cols, Inputs.toDouble(x))});
    }

    /** The backward given the forward's y (computed here, rounded to float) and dy. */
    private static OpCase softmaxBackward(Op op, int rows, int cols) {
        int n = rows * cols;
        float[] y = Inputs.toFloat(naiveSoftmax(op, rows, cols, Inputs.toDouble(Inputs.uniform(69, n, -3, 3))));
        float[] dy = Inputs.uniform(70, n, -1, 1);
        return new OpCase(op, "backward " + rows + "x" + cols, SOFTMAX, d -> {
            try (Scratch s = new Scratch(d)) {
                Buffer dx = s.floats(n);
                d.ops().softmaxBackward(op, rows, cols, s.upload(y), s.upload(dy), dx);
                return new float[][] {s.read(dx)};
            }
        }, () -> new double[][] {naiveSoftmaxBackward(op, rows, cols, y, dy)});
    }

    private static double[] naiveSoftmaxBackward(Op op, int rows, int cols, float[] y, float[] dy) {
        double[] dx = new double[rows * cols];
        for (int r = 0; r < rows; r++) {
            int off = r * cols;
            double s = 0;
            for (int j = 0; j < cols; j++) s += op == Op.SOFTMAX ? (double) dy[off + j] * y[off + j] : dy[off + j];
            for (int j = 0; j < cols; j++) {
                int k = off + j;
                dx[k] = op == Op.SOFTMAX ? y[k] * (dy[k] - s) : dy[k] - Math.exp(y[k]) * s;
            }
        }
        return dx;
    }

    private static GradCase softmaxGradient(Op op, int rows, int cols) {
        int n = rows * cols;
        double[] x = Inputs.toDouble(Inputs.uniform(71, n, -3, 3));
        double[] dy = Inputs.toDouble(Inputs.uniform(72, n, -1, 1));
        return new GradCase(op, "x " + rows + "x" + cols, x, dy, xs -> naiveSoftmax(op, rows, cols, xs),
                (Device d, float[] xs, float[] g) -> {
                    try (Scratch s = new Scratch(d)) {
                        Buffer y = s.floats(n), dx = s.floats(n);
                        d.ops().softmax(op, rows, cols, s.upload(xs), y);
                        d.ops().softmaxBackward(op, rows, cols, y, s.upload(g), dx);
                        return s.read(dx);
                    }
                }, 1e-4);
    }
}
