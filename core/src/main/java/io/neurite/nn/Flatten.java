package io.neurite.nn;

import io.neurite.tensor.Tensor;

/** Flattens each sample to one axis (a view: no copy). */
public final class Flatten extends Layer {
    @Override
    protected int[] init(int[][] inputShapes) {
        return new int[] {Math.toIntExact(Tensor.size(single("Flatten", inputShapes)))};
    }

    @Override
    public Tensor forward(Tensor[] inputs, Mode mode) {
        return inputs[0].flatten();
    }
}
