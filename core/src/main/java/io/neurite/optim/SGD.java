package io.neurite.optim;

import io.neurite.device.OptimizerStep;

/**
 * Stochastic gradient descent, plain or with classic or Nesterov momentum in Keras' form
 * ({@code v = momentum v - lr g; w += v}; see {@link OptimizerStep} for why this form).
 */
public final class SGD extends Optimizer {
    private final float momentum;
    private final boolean nesterov;

    public SGD(float learningRate) {
        this(learningRate, 0, false);
    }

    public SGD(float learningRate, float momentum, boolean nesterov) {
        super(learningRate);
        this.momentum = momentum;
        this.nesterov = nesterov;
    }

    @Override
    protected OptimizerStep rule(float lr, long t) {
        return momentum == 0 && !nesterov ? OptimizerStep.sgd(lr) : OptimizerStep.momentum(lr, momentum, nesterov);
    }
}
