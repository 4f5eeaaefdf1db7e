package io.neurite.nn;

import io.neurite.tensor.NeuralOps;
import io.neurite.tensor.Tensor;

/** Max pooling; {@code new MaxPool2d(2)} halves each side. */
public final class MaxPool2d extends Pooling2d<MaxPool2d> {
    public MaxPool2d(int size) {
        super(size, size);
    }

    public MaxPool2d(int sizeH, int sizeW) {
        super(sizeH, sizeW);
    }

    @Override
    public Tensor forward(Tensor[] inputs, boolean training) {
        return NeuralOps.maxPool2d(inputs[0], window);
    }
}
