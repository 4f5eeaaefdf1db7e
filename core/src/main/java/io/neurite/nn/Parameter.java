package io.neurite.nn;

import io.neurite.tensor.Tensor;

/**
 * A weight of a layer: its name (unique in the model, e.g. {@code dense_1/kernel}), its value,
 * whether the optimiser trains it, and its L1/L2 penalties (Keras' regularisers, applied by the
 * optimiser step: the loss gains {@code l1 sum|w| + l2 sum w^2}).
 */
public final class Parameter {
    private final String name;
    private final Tensor value;
    private final boolean trainable;
    private float l1;
    private float l2;

    Parameter(String name, Tensor value, boolean trainable) {
        this.name = name;
        this.value = value;
        this.trainable = trainable;
        if (trainable) value.requiresGrad();
    }

    public String name() {
        return name;
    }

    public Tensor value() {
        return value;
    }

    public boolean trainable() {
        return trainable;
    }

    public float l1() {
        return l1;
    }

    public float l2() {
        return l2;
    }

    void regularize(float l1, float l2) {
        this.l1 = l1;
        this.l2 = l2;
    }

    @Override
    public String toString() {
        return name + java.util.Arrays.toString(value.shape());
    }
}
