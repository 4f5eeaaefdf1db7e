package io.neurite.cpu;

import io.neurite.device.DeviceException;
import io.neurite.device.Op;

/**
 * ReLU, leaky ReLU, sigmoid, tanh and PReLU, forward and backward. The piecewise-linear ones are
 * one shared pair of loops ({@link #leaky}, {@link #leakyBackward}) with the slope as a
 * parameter: a constant for leaky ReLU (zero for ReLU's backward), one per channel for PReLU.
 */
final class CpuActivations {
    /** Sigmoid and tanh cost tens of cycles an element, so smaller chunks already pay for a thread. */
    private static final int TRANSCENDENTAL_GRAIN = CpuElementwise.GRAIN / 8;

    private CpuActivations() {
    }

    /** {@code y = f(x)} over n elements; y may be x. */
    static void forward(Op op, float alpha, int n, float[] x, float[] y) {
        Parallel.forRange(n, grain(op), (from, to) -> {
            switch (op) {
                case RELU -> {
                    // Math.max rather than a comparison: NaN stays NaN and -0 becomes +0.
                    for (int i = from; i < to; i++) y[i] = Math.max(x[i], 0f);
                }
                case LEAKY_RELU -> leaky(x, y, from, to, alpha);
                case SIGMOID -> ElementwiseMath.sigmoid(x, y, from, to);
                case TANH -> ElementwiseMath.tanh(x, y, from, to);
                default -> throw notActivation(op);
            }
        });
    }

    /** {@code dx = f'(x) dy}; sigmoid and tanh use the forward's y, the others x. */
    static void backward(Op op, float alpha, int n, float[] x, float[] y, float[] dy, float[] dx) {
        Parallel.forRange(n, CpuElementwise.GRAIN, (from, to) -> {
            switch (op) {
                case RELU -> leakyBackward(x, dy, dx, from, to, 0f);
                case LEAKY_RELU -> leakyBackward(x, dy, dx, from, to, alpha);
                case SIGMOID -> {
                    for (int i = from; i < to; i++) dx[i] = dy[i] * y[i] * (1 - y[i]);
                }
                case TANH -> {
                    for (int i = from; i < to; i++) dx[i] = dy[i] * (1 - y[i] * y[i]);
                }
                default -> throw notActivation(op);
            }
        });
    }

    private static int grain(Op op) {
        return op == Op.SIGMOID || op == Op.TANH ? TRANSCENDENTAL_GRAIN : CpuElementwise.GRAIN;
    }

    private static DeviceException notActivation(Op op) {
        return new DeviceException(op + " is not an activation");
    }

    /**
     * {@code y = x > 0 ? x : slope x} on [from, to), written without a select because C2 does not
     * vectorise one; the two forms differ only in the sign of a zero result.
     */
    private static void leaky(float[] x, float[] y, int from, int to, float slope) {
        for (int i = from; i < to; i++) y[i] = Math.max(x[i], 0f) + slope * Math.min(x[i], 0f);
    }

    /** {@code dx = x > 0 ? dy : slope dy} on [from, to). */
    private static void leakyBackward(float[] x, float[] dy, float[] dx, int from, int to, float slope) {
        if (VectorSupport.AVAILABLE) {
            ElementwiseVector.leakyBackward(x, dy, dx, from, to, slope);
            return;
        }
        for (int i = from; i < to; i++) dx[i] = x[i] > 0 ? dy[i] : slope * dy[i];
    }

    /** PReLU over x [outer, channels, inner]: a leaky ReLU whose slope is slope[c] on channel c. */
    static void prelu(int outer, int channels, int inner, float[] x, float[] slope, float[] y) {
        Parallel.forRange(outer * channels, Math.max(1, CpuElementwise.GRAIN / Math.max(1, inner)), (from, to) -> {
            for (int r = from; r < to; r++) leaky(x, y, r * inner, (r + 1) * inner, slope[r % channels]);
        });
    }

    /**
     * PReLU's backward: dx as a leaky ReLU's, and {@code dSlope[c]} (overwritten) the sum of
     * {@code x dy} over the non-positive x of channel c.
     */
    static void preluBackward(int outer, int channels, int inner, float[] x, float[] slope, float[] dy, float[] dx,
                              float[] dSlope) {
        ElementwiseReductions.channelSums(outer, channels, inner, dSlope, (from, to, acc) -> {
            for (int r = from; r < to; r++) {
                int off = r * inner;
                leakyBackward(x, dy, dx, off, off + inner, slope[r % channels]);
                acc[r % channels] += negativeDot(x, dy, off, inner);
            }
        });
    }

    /** Sum of x dy over [off, off+n) where x is not positive, in double; min(x, 0) avoids a branch. */
    private static double negativeDot(float[] x, float[] dy, int off, int n) {
        double s = 0;
        for (int i = off; i < off + n; i++) s += (double) Math.min(x[i], 0f) * dy[i];
        return s;
    }
}
