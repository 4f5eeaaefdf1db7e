package io.neurite.nn;

import io.neurite.tensor.NeuralOps;
import io.neurite.tensor.Tensor;

/** Average pooling; padded cells are not counted (Keras' convention). */
public final class AvgPool2d extends Pooling2d<AvgPool2d> {
    public AvgPool2d(int size) {
        super(size, size);
    }

    public AvgPool2d(int sizeH, int sizeW) {
        super(sizeH, sizeW);
    }

    @Override
    public Tensor forward(Tensor[] inputs, boolean training) {
        return NeuralOps.avgPool2d(inputs[0], window);
    }
}
