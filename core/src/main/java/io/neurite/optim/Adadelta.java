package io.neurite.optim;

import io.neurite.device.OptimizerStep;

/** Adadelta; Keras' defaults rho 0.95, epsilon 1e-7 (Keras' learning rate default is 0.001; 1.0 is the paper's). */
public final class Adadelta extends Optimizer {
    private final float rho, epsilon;

    public Adadelta(float learningRate) {
        this(learningRate, 0.95f, 1e-7f);
    }

    public Adadelta(float learningRate, float rho, float epsilon) {
        super(learningRate);
        this.rho = rho;
        this.epsilon = epsilon;
    }

    @Override
    protected OptimizerStep rule(float lr, long t) {
        return OptimizerStep.adadelta(lr, rho, epsilon);
    }
}
