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
     * Keras' {@code SparseCategoricalCrossentropy}: int labels. With fromLogits false the output
     * must come from a softmax, whose logits are then used in the stable fused form.
     */
    static Loss sparseCategoricalCrossentropy(boolean fromLogits) {
        return (out, y) -> NeuralOps.softmaxCrossEntropy(logits(out, fromLogits), y);
    }

    /** Keras' {@code CategoricalCrossentropy}: one-hot (or soft) float targets. */
    static Loss categoricalCrossentropy(boolean fromLogits) {
        return (out, y) -> NeuralOps.softmaxCrossEntropy(logits(out, fromLogits), y);
    }

    /** Mean squared error. */
    static Loss meanSquaredError() {
        return NeuralOps::meanSquaredError;
    }

    private static Tensor logits(Tensor out, boolean fromLogits) {
        if (fromLogits) return out;
        if (out.softmaxInput() == null) {
            throw new IllegalArgumentException("a cross-entropy with fromLogits=false needs the model to end in a softmax; "
                    + "otherwise pass fromLogits=true");
        }
        return out.softmaxInput();
    }
}
