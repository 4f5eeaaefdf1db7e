package io.neurite.cpu;

import io.neurite.device.OptimizerStep;

/**
 * The optimiser update rules of {@link OptimizerStep}, one in-place loop each. Every element is
 * independent, so large tensors are split across the pool; the maths is float32 like the weights,
 * with the per-step constants (bias corrections, 1 - rho) worked out once in double.
 */
final class CpuOptimizers {
    /** Elements per task: an update is a few flops over three or four arrays, so chunks must be big. */
    private static final int GRAIN = 1 << 18;

    private CpuOptimizers() {
    }

    /** Applies one step of s's rule to w[0, n) given g, with the rule's states s1 and s2. */
    static void step(OptimizerStep s, int n, float[] w, float[] g, float[] s1, float[] s2) {
        Penalty p = new Penalty(s.l1(), s.l2());
        Parallel.Range body = switch (s.rule()) {
            case SGD -> (from, to) -> sgd(s, p, from, to, w, g);
            case SGD_MOMENTUM -> (from, to) -> momentum(s, p, from, to, w, g, s1);
            case ADAGRAD -> (from, to) -> adagrad(s, p, from, to, w, g, s1);
            case ADADELTA -> (from, to) -> adadelta(s, p, from, to, w, g, s1, s2);
            case RMSPROP -> (from, to) -> rmsprop(s, p, from, to, w, g, s1);
            case ADAM -> (from, to) -> adam(s, p, from, to, w, g, s1, s2);
        };
        Parallel.forRange(n, GRAIN, body);
    }

    /**
     * The Keras regulariser terms {@code l1 sign(w) + 2 l2 w} added to a gradient; sign(0) is 0,
     * so L1 leaves an exact zero weight alone rather than pushing it off zero.
     */
    private record Penalty(float l1, float l2) {
        float apply(float g, float w) {
            return g + l1 * Math.signum(w) + 2 * l2 * w;
        }
    }

    private static void sgd(OptimizerStep s, Penalty p, int from, int to, float[] w, float[] g) {
        float lr = s.learningRate();
        for (int i = from; i < to; i++) w[i] -= lr * p.apply(g[i], w[i]);
    }

    /** Keras' velocity form: {@code v = momentum v - lr g}; Nesterov looks one velocity step ahead. */
    private static void momentum(OptimizerStep s, Penalty p, int from, int to, float[] w, float[] g, float[] v) {
        float lr = s.learningRate(), mu = s.momentum();
        boolean nesterov = s.nesterov();
        for (int i = from; i < to; i++) {
            float step = lr * p.apply(g[i], w[i]);
            float vi = mu * v[i] - step;
            v[i] = vi;
            w[i] += nesterov ? mu * vi - step : vi;
        }
    }

    private static void adagrad(OptimizerStep s, Penalty p, int from, int to, float[] w, float[] g, float[] acc) {
        float lr = s.learningRate(), eps = s.epsilon();
        for (int i = from; i < to; i++) {
            float gi = p.apply(g[i], w[i]);
            float a = acc[i] + gi * gi;
            acc[i] = a;
            w[i] -= lr * gi / ((float) Math.sqrt(a) + eps);
        }
    }

    /** s1 is the running mean square of gradients, s2 that of updates. */
    private static void adadelta(OptimizerStep s, Penalty p, int from, int to, float[] w, float[] g, float[] s1, float[] s2) {
        float lr = s.learningRate(), eps = s.epsilon(), rho = s.rho(), rest = (float) (1.0 - s.rho());
        for (int i = from; i < to; i++) {
            float gi = p.apply(g[i], w[i]);
            float a = rho * s1[i] + rest * gi * gi;
            float u = (float) (Math.sqrt(s2[i] + eps) / Math.sqrt(a + eps)) * gi;
            s1[i] = a;
            s2[i] = rho * s2[i] + rest * u * u;
            w[i] -= lr * u;
        }
    }

    private static void rmsprop(OptimizerStep s, Penalty p, int from, int to, float[] w, float[] g, float[] ms) {
        float lr = s.learningRate(), eps = s.epsilon(), rho = s.rho(), rest = (float) (1.0 - s.rho());
        for (int i = from; i < to; i++) {
            float gi = p.apply(g[i], w[i]);
            float a = rho * ms[i] + rest * gi * gi;
            ms[i] = a;
            w[i] -= lr * gi / ((float) Math.sqrt(a) + eps);
        }
    }

    /** Bias-corrected Adam; the corrections depend on the step only, so they are folded into two constants. */
    private static void adam(OptimizerStep s, Penalty p, int from, int to, float[] w, float[] g, float[] m, float[] v) {
        float b1 = s.beta1(), b2 = s.beta2(), rest1 = (float) (1.0 - b1), rest2 = (float) (1.0 - b2), eps = s.epsilon();
        float lrOverC1 = (float) (s.learningRate() / (1 - Math.pow(b1, s.step())));
        float invC2 = (float) (1 / (1 - Math.pow(b2, s.step())));
        for (int i = from; i < to; i++) {
            float gi = p.apply(g[i], w[i]);
            float mi = b1 * m[i] + rest1 * gi;
            float vi = b2 * v[i] + rest2 * gi * gi;
            m[i] = mi;
            v[i] = vi;
            w[i] -= lrOverC1 * mi / ((float) Math.sqrt(vi * invC2) + eps);
        }
    }
}
