package io.neurite.device;

/**
 * One in-place parameter update, as {@link Kernels#optimizerStep} applies it to n elements of a
 * weight w with gradient g and up to two state buffers s1, s2 (zero at the start unless noted).
 *
 * <p>The penalties enter the gradient first, as Keras' regularisers do for a loss term
 * {@code l1 * sum|w| + l2 * sum w^2}: {@code g' = g + l1 sign(w) + 2 l2 w}. Then, per rule:
 * <ul>
 *   <li>{@code SGD}: {@code w -= lr g'}</li>
 *   <li>{@code SGD_MOMENTUM} (Keras' form, s1 = velocity v): {@code v = momentum v - lr g'}; then
 *       {@code w += v}, or with Nesterov {@code w += momentum v - lr g'}. PyTorch keeps
 *       {@code v = momentum v + g'} and steps {@code w -= lr v}; the two agree while lr is
 *       constant, and Keras' form is what our users learnt and makes a learning-rate schedule act
 *       on the next step only, not on the accumulated velocity.</li>
 *   <li>{@code ADAGRAD} (s1 = accumulator, Keras starts it at 0.1): {@code a += g'^2};
 *       {@code w -= lr g' / (sqrt(a) + eps)}</li>
 *   <li>{@code ADADELTA} (s1 = mean square gradient a, s2 = mean square update d):
 *       {@code a = rho a + (1-rho) g'^2}; {@code u = sqrt(d + eps) / sqrt(a + eps) g'};
 *       {@code d = rho d + (1-rho) u^2}; {@code w -= lr u}</li>
 *   <li>{@code RMSPROP} (s1 = mean square a): {@code a = rho a + (1-rho) g'^2};
 *       {@code w -= lr g' / (sqrt(a) + eps)}</li>
 *   <li>{@code ADAM} (s1 = m, s2 = v, {@code step} t counts from 1):
 *       {@code m = beta1 m + (1-beta1) g'}; {@code v = beta2 v + (1-beta2) g'^2};
 *       {@code w -= lr (m / (1-beta1^t)) / (sqrt(v / (1-beta2^t)) + eps)}, PyTorch's
 *       bias-corrected form.</li>
 * </ul>
 */
public record OptimizerStep(Rule rule, float learningRate, float momentum, boolean nesterov,
                            float beta1, float beta2, float rho, float epsilon,
                            float l1, float l2, long step) implements java.io.Serializable {
    /** The update rules; each is an {@link Op}. */
    public enum Rule {
        SGD(Op.SGD, 0), SGD_MOMENTUM(Op.SGD_MOMENTUM, 1), ADAGRAD(Op.ADAGRAD, 1),
        ADADELTA(Op.ADADELTA, 2), RMSPROP(Op.RMSPROP, 1), ADAM(Op.ADAM, 2);

        private final Op op;
        private final int states;

        Rule(Op op, int states) {
            this.op = op;
            this.states = states;
        }

        public Op op() {
            return op;
        }

        /** How many state buffers the rule keeps per parameter. */
        public int states() {
            return states;
        }
    }

    public OptimizerStep {
        if (rule == Rule.ADAM && step < 1) {
            throw new IllegalArgumentException("Adam's step counts from 1, got " + step);
        }
    }

    public static OptimizerStep sgd(float lr) {
        return new OptimizerStep(Rule.SGD, lr, 0, false, 0, 0, 0, 0, 0, 0, 0);
    }

    public static OptimizerStep momentum(float lr, float momentum, boolean nesterov) {
        return new OptimizerStep(Rule.SGD_MOMENTUM, lr, momentum, nesterov, 0, 0, 0, 0, 0, 0, 0);
    }

    public static OptimizerStep adagrad(float lr, float eps) {
        return new OptimizerStep(Rule.ADAGRAD, lr, 0, false, 0, 0, 0, eps, 0, 0, 0);
    }

    public static OptimizerStep adadelta(float lr, float rho, float eps) {
        return new OptimizerStep(Rule.ADADELTA, lr, 0, false, 0, 0, rho, eps, 0, 0, 0);
    }

    public static OptimizerStep rmsprop(float lr, float rho, float eps) {
        return new OptimizerStep(Rule.RMSPROP, lr, 0, false, 0, 0, rho, eps, 0, 0, 0);
    }

    public static OptimizerStep adam(float lr, float beta1, float beta2, float eps, long step) {
        return new OptimizerStep(Rule.ADAM, lr, 0, false, beta1, beta2, 0, eps, 0, 0, step);
    }

    /** The same step with L1 and L2 penalties. */
    public OptimizerStep withPenalties(float l1, float l2) {
        return new OptimizerStep(rule, learningRate, momentum, nesterov, beta1, beta2, rho, epsilon, l1, l2, step);
    }
}
