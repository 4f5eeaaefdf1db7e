package io.neurite.nn;

import io.neurite.tensor.NeuralOps;
import io.neurite.tensor.Tensor;

/** Max pooling; {@code new MaxPooling2d(2)} halves each side. */
public final class MaxPooling2d extends Pooling2d<MaxPooling2d> {
    public MaxPooling2d(int size) {
        super(size, size);
    }

    public MaxPooling2d(int sizeH, int sizeW) {
        super(sizeH, sizeW);
    }

    @Override
    public Tensor forward(Tensor[] inputs, Mode mode) {
        return NeuralOps.maxPool2d(inputs[0], window);
    }
}
