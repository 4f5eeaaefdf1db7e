package io.neurite.optim;

import io.neurite.device.OptimizerStep;

/** RMSProp; Keras' defaults rho 0.9, epsilon 1e-7. */
public final class RMSprop extends Optimizer {
    private final float rho, epsilon;

    public RMSprop(float learningRate) {
        this(learningRate, 0.9f, 1e-7f);
    }

    public RMSprop(float learningRate, float rho, float epsilon) {
        super(learningRate);
        this.rho = rho;
        this.epsilon = epsilon;
    }

    @Override
    protected OptimizerStep rule(float lr, long t) {
        return OptimizerStep.rmsprop(lr, rho, epsilon);
    }
}
