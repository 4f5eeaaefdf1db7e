package io.neurite.nn;

import io.neurite.tensor.Tensor;
import java.util.Arrays;

/** Elementwise sum of several inputs of one shape (a residual connection). */
public final class Add extends Layer {
    @Override
    protected int[] init(int[][] inputShapes) {
        if (inputShapes.length < 2) throw new IllegalArgumentException("Add sums two or more inputs, got " + inputShapes.length);
        for (int[] s : inputShapes) {
            if (!Arrays.equals(s, inputShapes[0])) {
                throw new IllegalArgumentException("Add needs inputs of one shape, got " + Arrays.deepToString(inputShapes));
            }
        }
        return inputShapes[0].clone();
    }

    @Override
    public Tensor forward(Tensor[] inputs, Mode mode) {
        Tensor y = inputs[0];
        for (int i = 1; i < inputs.length; i++) y = y.add(inputs[i]);
        return y;
    }
}
