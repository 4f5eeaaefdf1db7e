package io.neurite.train;

import io.neurite.tensor.NeuralOps;
import io.neurite.tensor.Tensor;

/**
 * A loss: a scalar from the model's output and the target. Any function of tensors works, so a
 * custom loss is a lambda: {@code (out, y) -> out.sub(y).mul(out.sub(y)).mean()}.
 */
@FunctionalInterface
public interface Loss {
    Tensor compute(Tensor output, Tensor target);

    /**
     * Keras' {@code SparseCategoricalCrossentropy}: int labels, over probabilities from a final
     * softmax (whose logits are then used in the stable fused form); {@code .fromLogits()} for a
     * model whose last layer is linear: {@code Loss.sparseCategoricalCrossentropy().fromLogits()}.
     */
    static CrossEntropy sparseCategoricalCrossentropy() {
        return new CrossEntropy(false);
    }

    /** Keras' {@code CategoricalCrossentropy}: one-hot (or soft) float targets; {@code .fromLogits()} as above. */
    static CrossEntropy categoricalCrossentropy() {
        return new CrossEntropy(false);
    }

    /** Mean squared error. */
    static Loss meanSquaredError() {
        return NeuralOps::meanSquaredError;
    }

    /**
     * Softmax cross-entropy, over probabilities or, after {@link #fromLogits()}, over logits. The
     * targets decide between the sparse and the categorical form (int labels or float rows).
     */
    final class CrossEntropy implements Loss {
        private final boolean fromLogits;

        private CrossEntropy(boolean fromLogits) {
            this.fromLogits = fromLogits;
        }

        /** The same loss over a linear last layer's logits (Keras' {@code from_logits=True}). */
        public CrossEntropy fromLogits() {
            return new CrossEntropy(true);
        }

        @Override
        public Tensor compute(Tensor out, Tensor y) {
            return NeuralOps.softmaxCrossEntropy(fromLogits ? out : probabilitiesLogits(out), y);
        }

        private static Tensor probabilitiesLogits(Tensor out) {
            if (out.softmaxInput() == null) {
                throw new IllegalArgumentException("this cross-entropy takes probabilities, so the model must end in a softmax; "
                        + "for a linear last layer use Loss.sparseCategoricalCrossentropy().fromLogits()");
            }
            return out.softmaxInput();
        }
    }
}
