package io.neurite.cpu;

import io.neurite.device.BatchNormSpec;

/**
 * Batch normalisation over x [n, c, inner], one set of statistics per channel. Channels are
 * independent, so they are split across the pool. Every per-channel sum is taken in double and
 * the variance in a second pass around the mean: inputs with a large mean and a small spread
 * (un-normalised pixels) would lose most of their digits in a one-pass {@code E[x^2] - E[x]^2}.
 *
 * <p>Forward and backward reduce to two shapes of loop over a channel's elements, a dot product
 * of centred values ({@link #channelDot}) and an affine map ({@link #channelAffine}), so each
 * formula is written once.
 */
final class CpuBatchNorm {
    /** Elements per task. */
    private static final int GRAIN = 1 << 14;

    private CpuBatchNorm() {
    }

    /**
     * Training: per channel, batch mean and biased variance, {@code y = gamma (x - mean) invStd + beta},
     * the saved statistics for the backward, and {@code moving = momentum moving + (1 - momentum) batch}.
     * Inference: the same map with the moving statistics; nothing else is written.
     */
    static void forward(BatchNormSpec s, boolean training, float[] x, float[] gamma, float[] beta, float[] y,
                        float[] movingMean, float[] movingVar, float[] savedMean, float[] savedInvStd) {
        double count = (double) s.n() * s.inner(), keep = s.momentum(), take = 1.0 - s.momentum();
        forChannels(s, c -> {
            double mean, var;
            if (training) {
                mean = channelDot(s, c, x, 0, null, 0) / count;
                var = channelDot(s, c, x, mean, x, mean) / count;
                movingMean[c] = (float) (keep * movingMean[c] + take * mean);
                movingVar[c] = (float) (keep * movingVar[c] + take * var);
            } else {
                mean = movingMean[c];
                var = movingVar[c];
            }
            double invStd = 1 / Math.sqrt(var + s.epsilon());
            if (training) {
                savedMean[c] = (float) mean;
                savedInvStd[c] = (float) invStd;
            }
            channelAffine(s, c, null, 0, x, mean, gamma[c] * invStd, beta[c], y);
        });
    }

    /**
     * The backward of a training forward, from its saved statistics, with N = n inner and
     * xhat = (x - mean) invStd: {@code dBeta = sum dy}, {@code dGamma = sum dy xhat} and
     * {@code dx = gamma invStd / N (N dy - dBeta - xhat dGamma)}.
     */
    static void backward(BatchNormSpec s, float[] x, float[] gamma, float[] dy, float[] savedMean, float[] savedInvStd,
                         float[] dx, float[] dGamma, float[] dBeta) {
        double count = (double) s.n() * s.inner();
        forChannels(s, c -> {
            double mean = savedMean[c], invStd = savedInvStd[c];
            double sumDy = channelDot(s, c, dy, 0, null, 0);
            double sumDyXhat = channelDot(s, c, dy, 0, x, mean) * invStd;
            dBeta[c] = (float) sumDy;
            dGamma[c] = (float) sumDyXhat;
            double k = gamma[c] * invStd / count;
            channelAffine(s, c, dy, k * count, x, mean, -k * sumDyXhat * invStd, -k * sumDy, dx);
        });
    }

    @FunctionalInterface
    private interface Channel {
        void run(int c);
    }

    private static void forChannels(BatchNormSpec s, Channel body) {
        int perChannel = (int) Math.min(GRAIN, (long) s.n() * s.inner());
        Parallel.forRange(s.c(), Math.max(1, GRAIN / perChannel), (from, to) -> {
            for (int c = from; c < to; c++) body.run(c);
        });
    }

    /**
     * {@code sum over channel c of (a - shiftA)(b - shiftB)} in double; b null stands for all ones
     * (then shiftB is ignored).
     */
    private static double channelDot(BatchNormSpec s, int c, float[] a, double shiftA, float[] b, double shiftB) {
        double sum = 0;
        for (int i = 0; i < s.n(); i++) {
            int base = (i * s.c() + c) * s.inner();
            if (b == null) {
                for (int k = base; k < base + s.inner(); k++) sum += a[k] - shiftA;
            } else {
                for (int k = base; k < base + s.inner(); k++) sum += (a[k] - shiftA) * (b[k] - shiftB);
            }
        }
        return sum;
    }

    /**
     * {@code out = p a + q (x - shift) + r} over channel c, evaluated in double so that the
     * centring keeps its digits; a null a contributes nothing.
     */
    private static void channelAffine(BatchNormSpec s, int c, float[] a, double p, float[] x, double shift,
                                      double q, double r, float[] out) {
        for (int i = 0; i < s.n(); i++) {
            int base = (i * s.c() + c) * s.inner();
            for (int k = base; k < base + s.inner(); k++) {
                double v = q * (x[k] - shift) + r;
                out[k] = (float) (a == null ? v : v + p * a[k]);
            }
        }
    }
}
