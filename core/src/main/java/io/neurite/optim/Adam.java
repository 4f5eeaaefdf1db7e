package io.neurite.optim;

import io.neurite.device.OptimizerStep;

/** Adam with bias correction (PyTorch's form); Keras' defaults beta1 0.9, beta2 0.999, epsilon 1e-7. */
public final class Adam extends Optimizer {
    private final float beta1, beta2, epsilon;

    public Adam(float learningRate) {
        this(learningRate, 0.9f, 0.999f, 1e-7f);
    }

    public Adam(float learningRate, float beta1, float beta2, float epsilon) {
        super(learningRate);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
    }

    @Override
    protected OptimizerStep rule(float lr, long t) {
        return OptimizerStep.adam(lr, beta1, beta2, epsilon, t);
    }
}
