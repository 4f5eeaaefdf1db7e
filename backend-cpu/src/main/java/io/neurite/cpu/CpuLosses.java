package io.neurite.cpu;

import io.neurite.device.DeviceException;

/**
 * Losses: softmax cross-entropy (integer labels or float targets, one code path) and mean
 * squared error. Both accumulate in double: a loss is a handful of numbers per batch, so the
 * cost is nothing next to the layers, and a double sum keeps the reported loss independent of
 * the thread count and the batch size.
 */
final class CpuLosses {
    /** Elements of work per task: below this a hand-off to the pool costs more than the loop. */
    private static final int GRAIN = 1 << 14;
    /** MSE sums fixed blocks of this many elements, so the loss does not depend on the thread count. */
    private static final int MSE_BLOCK = 1 << 12;

    private CpuLosses() {
    }

    /**
     * Per-row {@code loss = -sum_j t_j log softmax(x)_j} and, if grad is not null,
     * {@code grad = (softmax(x) - t) gradScale}, where t is the one-hot row of labels or the row of
     * targets (exactly one of the two is null). The log-sum-exp is shifted by the row max, so
     * logits of any magnitude give finite losses.
     *
     * @throws DeviceException if a label lies outside [0, cols), naming its row
     */
    static void softmaxCrossEntropy(int rows, int cols, float[] logits, int[] labels, float[] targets,
                                    float[] loss, float[] grad, float gradScale) {
        if (labels != null) checkLabels(rows, cols, labels);
        Parallel.forRange(rows, Math.max(1, GRAIN / Math.max(1, cols)), (from, to) -> {
            float[] scratch = grad == null ? new float[cols] : null;
            for (int r = from; r < to; r++) {
                loss[r] = (float) crossEntropyRow(r, cols, logits, labels == null ? -1 : labels[r], targets, grad, gradScale, scratch);
            }
        });
    }

    /** Checked before any output is written, so a bad batch leaves loss and grad untouched. */
    private static void checkLabels(int rows, int cols, int[] labels) {
        for (int r = 0; r < rows; r++) {
            int label = labels[r];
            if (label < 0 || label >= cols) {
                throw new DeviceException("SOFTMAX_CROSS_ENTROPY: label " + label + " of row " + r
                        + " is outside the " + cols + " classes [0, " + cols + ")");
            }
        }
    }

    /**
     * One row's loss, writing its gradient when grad is not null. The target of column j is
     * targets[r, j] when targets is given, else 1 at the label and 0 elsewhere. The shifted
     * exponentials are the softmax's ({@link ElementwiseMath#expShifted}, vectorised; summed in
     * double), written to the gradient's row (or scratch) and divided by their sum there: a double
     * {@link Math#exp} per logit, twice with a gradient, was 4% of MNIST's MLP inference.
     */
    private static double crossEntropyRow(int r, int cols, float[] x, int label, float[] targets, float[] grad, float gradScale,
                                          float[] scratch) {
        int off = r * cols;
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < cols; j++) max = Math.max(max, x[off + j]);
        float[] e = grad != null ? grad : scratch;
        int eo = grad != null ? off : 0;
        double sum = ElementwiseMath.expShifted(x, off, cols, max, e, eo);
        double logSumExp = max + Math.log(sum);
        double loss = 0;
        for (int j = 0; j < cols; j++) {
            double t = targets != null ? targets[off + j] : (j == label ? 1 : 0);
            // t = 0 is skipped so that a -inf logit with no target weight adds 0, not 0 * inf.
            if (t != 0) loss += t * (logSumExp - x[off + j]);
            if (grad != null) grad[off + j] = (float) ((e[eo + j] / sum - t) * gradScale);
        }
        return loss;
    }

    /**
     * {@code loss[0] = mean (p - t)^2} and, if grad is not null, {@code grad = 2 (p - t) gradScale}.
     * The squares are summed per fixed block in parallel, then the block sums in order.
     */
    static void meanSquaredError(int n, float[] p, float[] t, float[] loss, float[] grad, float gradScale) {
        int blocks = (n + MSE_BLOCK - 1) / MSE_BLOCK;
        double[] partial = new double[blocks];
        double twice = 2.0 * gradScale;
        Parallel.forRange(blocks, Math.max(1, GRAIN / MSE_BLOCK), (from, to) -> {
            for (int b = from; b < to; b++) {
                double s = 0;
                for (int i = b * MSE_BLOCK, end = Math.min(n, i + MSE_BLOCK); i < end; i++) {
                    double d = (double) p[i] - t[i];
                    s += d * d;
                    if (grad != null) grad[i] = (float) (twice * d);
                }
                partial[b] = s;
            }
        });
        double total = 0;
        for (double s : partial) total += s;
        loss[0] = (float) (total / n);
    }
}
