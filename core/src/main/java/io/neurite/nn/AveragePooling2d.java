package io.neurite.nn;

import io.neurite.tensor.NeuralOps;
import io.neurite.tensor.Tensor;

/** Average pooling; padded cells are not counted (Keras' convention). */
public final class AveragePooling2d extends Pooling2d<AveragePooling2d> {
    public AveragePooling2d(int size) {
        super(size, size);
    }

    public AveragePooling2d(int sizeH, int sizeW) {
        super(sizeH, sizeW);
    }

    @Override
    public Tensor forward(Tensor[] inputs, Mode mode) {
        return NeuralOps.avgPool2d(inputs[0], window);
    }
}
