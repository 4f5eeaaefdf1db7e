package io.neurite.nn;

import io.neurite.tensor.NeuralOps;
import io.neurite.tensor.Tensor;

/** Inverted dropout, as Keras and PyTorch: scales the kept units by 1/(1-rate) in training, does nothing at inference. */
public final class Dropout extends Layer {
    private final float rate;

    public Dropout(float rate) {
        if (!(rate >= 0 && rate < 1)) throw new IllegalArgumentException("Dropout: rate must be in [0, 1), got " + rate);
        this.rate = rate;
    }

    @Override
    public String type() {
        return "Dropout(" + rate + ")";
    }

    @Override
    protected int[] init(int[][] inputShapes) {
        return single("Dropout", inputShapes);
    }

    @Override
    public Tensor forward(Tensor[] inputs, Mode mode) {
        return NeuralOps.dropout(inputs[0], rate, nextSeed(), mode.isTraining());
    }
}
