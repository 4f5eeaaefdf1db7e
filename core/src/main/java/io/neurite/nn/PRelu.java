package io.neurite.nn;

import io.neurite.tensor.NeuralOps;
import io.neurite.tensor.Tensor;

/** Parametric ReLU with one learnt slope per channel (axis 1 of the batch), starting at 0.25 as PyTorch. */
public final class PRelu extends Layer {
    private Parameter slope;

    @Override
    protected int[] init(int[][] inputShapes) {
        int[] s = single("PRelu", inputShapes);
        slope = addParameter("alpha", new int[] {s[0]}, Initializer.constant(0.25f), s[0], s[0], true);
        return s;
    }

    @Override
    public Tensor forward(Tensor[] inputs, Mode mode) {
        return NeuralOps.prelu(inputs[0], slope.value());
    }
}
