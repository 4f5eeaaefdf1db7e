package io.neurite.conformance;

import io.neurite.device.Buffer;
import io.neurite.device.DeviceException;
import io.neurite.device.Op;
import java.util.ArrayList;
import java.util.List;

/**
 * Cases for the losses (softmax cross-entropy on labels and on one-hot or soft targets, mean
 * squared error) and for the ops that read a classifier's output, {@link Op#ARGMAX} and
 * {@link Op#COUNT_CORRECT}.
 *
 * <p>Cross-entropy must be stable: logits of ±1e4 overflow a naive exp, so those cases only pass
 * where the row max is taken out first. A label out of range must raise a
 * {@link DeviceException} naming the row and the label rather than read past the row.
 */
final class LossCases {
    /**
     * Losses and gradients: a row's log-sum-exp of up to 1000 terms, a few roundings each; the
     * absolute part covers losses near 0 (the label holds nearly all the mass), which a kernel
     * that subtracts the label's logit from the max first keeps exact even at ±1e4.
     */
    private static final Tolerance LOSS = new Tolerance(1e-5, 1e-5);
    /** [rows, cols]: the awkward sizes, a single class, a single row, and one larger batch. */
    private static final int[][] SHAPES = {{1, 1}, {1, 129}, {3, 7}, {7, 3}, {17, 33}, {33, 17}, {129, 10}, {300, 1000}};

    private LossCases() {
    }

    static List<OpCase> cases() {
        List<OpCase> all = new ArrayList<>();
        long seed = 100;
        for (int[] s : SHAPES) {
            int rows = s[0], cols = s[1];
            float[] x = Inputs.uniform(seed++, rows * cols, -5, 5);
            int[] labels = Inputs.ints(seed++, rows, cols);
            float scale = 1f / rows;
            all.add(crossEntropy(rows, cols, x, labels, null, scale, true, "labels"));
            all.add(crossEntropy(rows, cols, x, null, oneHot(labels, cols), scale, true, "one-hot"));
            all.add(crossEntropy(rows, cols, x, null, soft(seed++, rows, cols), scale, true, "soft"));
        }
        float[] huge = Inputs.uniform(7, 17 * 33, -1e4, 1e4);
        int[] hugeLabels = Inputs.ints(8, 17, 33);
        all.add(crossEntropy(17, 33, huge, hugeLabels, null, 1, true, "labels, logits ±1e4"));
        all.add(crossEntropy(17, 33, huge, null, oneHot(hugeLabels, 33), 1, true, "one-hot, logits ±1e4"));
        all.add(crossEntropy(17, 33, huge, null, soft(9, 17, 33), 0.25f, true, "soft, logits ±1e4"));
        float[] small = Inputs.uniform(10, 7 * 3, -3, 3);
        all.add(crossEntropy(7, 3, small, Inputs.ints(11, 7, 3), null, 1, false, "labels, loss only"));
        all.add(crossEntropy(7, 3, small, null, soft(12, 7, 3), 1, false, "soft, loss only"));
        all.add(badLabel());

        for (int n : new int[] {1, 3, 7, 17, 33, 129, 100_003}) {
            all.add(mse(n, Inputs.uniform(seed++, n, -2, 2), Inputs.uniform(seed++, n, -2, 2), 1f / n, true));
        }
        all.add(mse(17, Inputs.uniform(seed++, 17, -2, 2), Inputs.uniform(seed++, 17, -2, 2), 1, false));
        all.add(mse(33, Inputs.uniform(seed++, 33, -2, 2), Inputs.uniform(seed++, 33, -2, 2), 1, true));

        for (int[] s : SHAPES) {
            // Four distinct values: most rows hold tied maxima, and the first must win.
            float[] x = Inputs.toFloat(Inputs.ints(seed++, s[0] * s[1], 4));
            all.add(argmax(s[0], s[1], x, "ties"));
            all.add(countCorrect(s[0], s[1], x, seed++));
        }
        all.add(argmax(129, 33, Inputs.uniform(13, 129 * 33, -1, 1), "distinct"));
        all.add(argmax(4, 5, new float[] {1, 3, 3, 0, 3, 2, 2, 2, 2, 2, -1, -1, -1, -1, -1, 0, 0, 0, 0, 7}, "hand-made ties"));
        return all;
    }

    static List<GradCase> gradients() {
        int rows = 4, cols = 6;
        double[] x = Inputs.toDouble(Inputs.uniform(20, rows * cols, -2, 2));
        int[] labels = Inputs.ints(21, rows, cols);
        float[] targets = soft(22, rows, cols);
        double[] ones = new double[rows];
        java.util.Arrays.fill(ones, 1);
        List<GradCase> all = new ArrayList<>();
        // dy = ones: the backward op's grad is d(sum of row losses)/dx with gradScale 1.
        all.add(new GradCase(Op.SOFTMAX_CROSS_ENTROPY, "logits " + rows + "x" + cols, x, ones,
                v -> crossEntropyRef(rows, cols, v, labels, null, 1, null),
                (device, xs, dy) -> {
                    try (Scratch s = new Scratch(device)) {
                        Buffer g = s.floats(xs.length);
                        device.ops().softmaxCrossEntropy(rows, cols, s.upload(xs), s.upload(labels), s.floats(rows), g, 1);
                        return s.read(g);
                    }
                }, 1e-4));
        all.add(new GradCase(Op.SOFTMAX_CROSS_ENTROPY_ONE_HOT, "logits " + rows + "x" + cols + " soft targets", x, ones,
                v -> crossEntropyRef(rows, cols, v, null, targets, 1, null),
                (device, xs, dy) -> {
                    try (Scratch s = new Scratch(device)) {
                        Buffer g = s.floats(xs.length);
                        device.ops().softmaxCrossEntropyOneHot(rows, cols, s.upload(xs), s.upload(targets), s.floats(rows), g, 1);
                        return s.read(g);
                    }
                }, 1e-4));
        // The op's grad is 2 (p - t) gradScale; the mean's derivative needs gradScale = 1/n.
        float[] t = Inputs.uniform(23, 7, -1, 1);
        all.add(new GradCase(Op.MSE, "prediction n=7 gradScale=1/7", Inputs.toDouble(Inputs.uniform(24, 7, -1, 1)), new double[] {1},
                p -> new double[] {mseRef(p, t, 1, null)},
                (device, ps, dy) -> {
                    try (Scratch s = new Scratch(device)) {
                        Buffer g = s.floats(ps.length);
                        device.ops().meanSquaredError(ps.length, s.upload(ps), s.upload(t), s.floats(1), g, 1f / ps.length);
                        return s.read(g);
                    }
                }, 1e-4));
        return all;
    }

    /** One cross-entropy case; labels or targets is null and chooses the op. */
    private static OpCase crossEntropy(int rows, int cols, float[] x, int[] labels, float[] targets, float gradScale,
                                       boolean withGrad, String kind) {
        Op op = labels != null ? Op.SOFTMAX_CROSS_ENTROPY : Op.SOFTMAX_CROSS_ENTROPY_ONE_HOT;
        String name = rows + "x" + cols + " " + kind + " gradScale=" + gradScale;
        return new OpCase(op, name, LOSS, device -> {
            try (Scratch s = new Scratch(device)) {
                Buffer logits = s.upload(x), loss = s.floats(rows), grad = withGrad ? s.floats((long) rows * cols) : null;
                if (labels != null) device.ops().softmaxCrossEntropy(rows, cols, logits, s.upload(labels), loss, grad, gradScale);
                else device.ops().softmaxCrossEntropyOneHot(rows, cols, logits, s.upload(targets), loss, grad, gradScale);
                return withGrad ? new float[][] {s.read(loss), s.read(grad)} : new float[][] {s.read(loss)};
            }
        }, () -> {
            double[] grad = withGrad ? new double[rows * cols] : null;
            double[] loss = crossEntropyRef(rows, cols, Inputs.toDouble(x), labels, targets, gradScale, grad);
            return withGrad ? new double[][] {loss, grad} : new double[][] {loss};
        });
    }

    /** Naive per-row losses {@code -sum t log softmax(x)}, filling grad when it is not null. */
    private static double[] crossEntropyRef(int rows, int cols, double[] x, int[] labels, float[] targets, double gradScale,
                                            double[] grad) {
        double[] loss = new double[rows];
        for (int r = 0; r < rows; r++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < cols; j++) max = Math.max(max, x[r * cols + j]);
            double sum = 0;
            for (int j = 0; j < cols; j++) sum += Math.exp(x[r * cols + j] - max);
            for (int j = 0; j < cols; j++) {
                double t = targets != null ? targets[r * cols + j] : labels[r] == j ? 1 : 0;
                double logP = x[r * cols + j] - max - Math.log(sum);
                loss[r] -= t * logP;
                if (grad != null) grad[r * cols + j] = (Math.exp(logP) - t) * gradScale;
            }
        }
        return loss;
    }

    /** Label 1000 at row 11 of a 7-class problem: the op must refuse it, naming both. */
    private static OpCase badLabel() {
        int rows = 17, cols = 7;
        int[] labels = Inputs.ints(30, rows, cols);
        labels[11] = 1000;
        float[] x = Inputs.uniform(31, rows * cols, -1, 1);
        return new OpCase(Op.SOFTMAX_CROSS_ENTROPY, "label 1000 at row 11 of 7 classes throws", Tolerance.EXACT, device -> {
            try (Scratch s = new Scratch(device)) {
                Buffer logits = s.upload(x), ls = s.upload(labels), loss = s.floats(rows), grad = s.floats(rows * cols);
                return expectDeviceException(() -> device.ops().softmaxCrossEntropy(rows, cols, logits, ls, loss, grad, 1),
                        "1000", "11");
            }
        }, () -> new double[][] {{1}});
    }

    /**
     * Runs an op that must fail with a {@link DeviceException} whose message contains each of
     * mentions; returns {{1}} when it does, so that the case's reference is {{1}}.
     */
    static float[][] expectDeviceException(Runnable op, String... mentions) {
        try {
            op.run();
        } catch (DeviceException e) {
            for (String m : mentions) {
                if (e.getMessage() == null || !e.getMessage().contains(m)) {
                    throw new AssertionError("the DeviceException should mention " + m + ": " + e.getMessage(), e);
                }
            }
            return new float[][] {{1}};
        }
        throw new AssertionError("expected a DeviceException mentioning " + String.join(" and ", mentions) + ", got none");
    }

    private static OpCase mse(int n, float[] p, float[] t, float gradScale, boolean withGrad) {
        return new OpCase(Op.MSE, "n=" + n + (withGrad ? " gradScale=" + gradScale : " loss only"), Tolerance.REDUCTION, device -> {
            try (Scratch s = new Scratch(device)) {
                Buffer loss = s.floats(1), grad = withGrad ? s.floats(n) : null;
                device.ops().meanSquaredError(n, s.upload(p), s.upload(t), loss, grad, gradScale);
                return withGrad ? new float[][] {s.read(loss), s.read(grad)} : new float[][] {s.read(loss)};
            }
        }, () -> {
            double[] grad = withGrad ? new double[n] : null;
            double loss = mseRef(Inputs.toDouble(p), t, gradScale, grad);
            return withGrad ? new double[][] {{loss}, grad} : new double[][] {{loss}};
        });
    }

    /** Naive mean squared error, filling grad when it is not null. */
    private static double mseRef(double[] p, float[] t, double gradScale, double[] grad) {
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            double d = p[i] - t[i];
            sum += d * d;
            if (grad != null) grad[i] = 2 * d * gradScale;
        }
        return sum / p.length;
    }

    private static OpCase argmax(int rows, int cols, float[] x, String kind) {
        return new OpCase(Op.ARGMAX, rows + "x" + cols + " " + kind, Tolerance.EXACT, device -> {
            try (Scratch s = new Scratch(device)) {
                Buffer out = s.ints(rows);
                device.ops().argmax(rows, cols, s.upload(x), out);
                return new float[][] {s.read(out)};
            }
        }, () -> new double[][] {Inputs.toDouble(argmaxRef(rows, cols, x))});
    }

    /** Labels that match the argmax on every other row, so the count is neither 0 nor rows by construction. */
    private static OpCase countCorrect(int rows, int cols, float[] x, long seed) {
        int[] labels = Inputs.ints(seed, rows, cols);
        int[] best = argmaxRef(rows, cols, x);
        for (int r = 0; r < rows; r += 2) labels[r] = best[r];
        return new OpCase(Op.COUNT_CORRECT, rows + "x" + cols + " ties", Tolerance.EXACT, device -> {
            try (Scratch s = new Scratch(device)) {
                Buffer count = s.ints(1);
                device.ops().countCorrect(rows, cols, s.upload(x), s.upload(labels), count);
                return new float[][] {s.read(count)};
            }
        }, () -> {
            int correct = 0;
            for (int r = 0; r < rows; r++) if (best[r] == labels[r]) correct++;
            return new double[][] {{correct}};
        });
    }

    /** The first index of each row's maximum, by scanning from the right and keeping ties. */
    private static int[] argmaxRef(int rows, int cols, float[] x) {
        int[] out = new int[rows];
        for (int r = 0; r < rows; r++) {
            int best = cols - 1;
            for (int j = cols - 2; j >= 0; j--) if (x[r * cols + j] >= x[r * cols + best]) best = j;
            out[r] = best;
        }
        return out;
    }

    private static float[] oneHot(int[] labels, int cols) {
        float[] t = new float[labels.length * cols];
        for (int r = 0; r < labels.length; r++) t[r * cols + labels[r]] = 1;
        return t;
    }

    /** Rows of positive weights summing to 1: a soft-label distribution. */
    private static float[] soft(long seed, int rows, int cols) {
        float[] t = Inputs.uniform(seed, rows * cols, 0.01, 1);
        for (int r = 0; r < rows; r++) {
            double sum = 0;
            for (int j = 0; j < cols; j++) sum += t[r * cols + j];
            for (int j = 0; j < cols; j++) t[r * cols + j] /= (float) sum;
        }
        return t;
    }
}
