package io.neurite.cpu;

import io.neurite.device.DeviceException;
import io.neurite.device.Op;

/**
 * Row-wise softmax and log-softmax of x [rows, cols], forward and backward. Each row is shifted by
 * its maximum before exponentiating, so logits of any magnitude neither overflow nor lose the
 * row's largest term; the exponentials' sum accumulates in double.
 */
final class CpuSoftmax {
    /** Rows are split so each task exponentiates at least this many elements. */
    private static final int GRAIN = CpuElementwise.GRAIN / 8;

    private CpuSoftmax() {
    }

    /** Softmax or log-softmax of each row of x into y. */
    static void forward(Op op, int rows, int cols, float[] x, float[] y) {
        check(op);
        if (cols == 0) return;
        Parallel.forRange(rows, Math.max(1, GRAIN / cols), (from, to) -> {
            for (int r = from; r < to; r++) {
                int off = r * cols;
                float max = ElementwiseReductions.maxOf(x, off, cols);
                double sum = ElementwiseMath.expShifted(x, off, cols, max, y, off);
                if (op == Op.SOFTMAX) {
                    float inv = (float) (1 / sum);
                    for (int i = off; i < off + cols; i++) y[i] *= inv;
                } else {
                    // (x - max) - log(sum) keeps the small differences that x - (max + log sum) would round away
                    float logSum = (float) Math.log(sum);
                    for (int i = off; i < off + cols; i++) y[i] = (x[i] - max) - logSum;
                }
            }
        });
    }

    /**
     * The backward given the forward's y: {@code dx = y (dy - sum(dy y))} for softmax, and
     * {@code dx = dy - exp(y) sum(dy)} for log-softmax, whose y is the log-probabilities.
     */
    static void backward(Op op, int rows, int cols, float[] y, float[] dy, float[] dx) {
        check(op);
        if (cols == 0) return;
        Parallel.forRange(rows, Math.max(1, GRAIN / cols), (from, to) -> {
            for (int r = from; r < to; r++) {
                int off = r * cols;
                if (op == Op.SOFTMAX) {
                    float s = (float) ElementwiseReductions.dot(dy, y, off, cols);
                    for (int i = off; i < off + cols; i++) dx[i] = y[i] * (dy[i] - s);
                } else {
                    float s = (float) ElementwiseReductions.sumOf(dy, off, cols);
                    ElementwiseMath.expShifted(y, off, cols, 0f, dx, off);
                    for (int i = off; i < off + cols; i++) dx[i] = dy[i] - dx[i] * s;
                }
            }
        });
    }

    private static void check(Op op) {
        if (op != Op.SOFTMAX && op != Op.LOG_SOFTMAX) throw new DeviceException(op + " is not a softmax");
    }
}
