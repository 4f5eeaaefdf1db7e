package io.neurite.nn;

import io.neurite.tensor.Tensor;

/** The input of a model: the shape of one sample, e.g. {@code Input.of(1, 28, 28)} for MNIST images (NCHW). */
public final class Input extends Layer {
    private final int[] shape;

    private Input(int[] shape) {
        if (shape.length == 0) throw new IllegalArgumentException("Input: shape needs at least one dimension");
        for (int d : shape) Checks.size("Input", "shape " + java.util.Arrays.toString(shape) + ": a dimension", d);
        Checks.elements("Input", "shape", shape);
        this.shape = shape.clone();
    }

    public static Node of(int... shape) {
        return new Node(new Input(shape), java.util.List.of());
    }

    int[] shape() {
        return shape.clone();
    }

    @Override
    protected int[] init(int[][] inputShapes) {
        return shape.clone();
    }

    @Override
    public Tensor forward(Tensor[] inputs, Mode mode) {
        return inputs[0];
    }
}
