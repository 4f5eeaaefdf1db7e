package io.neurite.optim;

import io.neurite.device.OptimizerStep;

/** Adagrad; Keras' defaults: accumulator starts at 0.1, epsilon 1e-7. */
public final class Adagrad extends Optimizer {
    private final float epsilon, initialAccumulator;

    public Adagrad(float learningRate) {
        this(learningRate, 0.1f, 1e-7f);
    }

    public Adagrad(float learningRate, float initialAccumulator, float epsilon) {
        super(learningRate);
        this.initialAccumulator = initialAccumulator;
        this.epsilon = epsilon;
    }

    @Override
    protected float initialState() {
        return initialAccumulator;
    }

    @Override
    protected OptimizerStep rule(float lr, long t) {
        return OptimizerStep.adagrad(lr, epsilon);
    }
}
