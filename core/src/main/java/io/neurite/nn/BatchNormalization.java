package io.neurite.nn;

import io.neurite.tensor.NeuralOps;
import io.neurite.tensor.Tensor;

/**
 * Batch normalisation over the channel axis (the first per-sample axis), Keras' defaults:
 * momentum 0.99, epsilon 1e-3, trainable gamma (ones) and beta (zeros), moving mean (zeros)
 * and variance (ones) used at inference.
 */
public final class BatchNormalization extends Layer {
    private float momentum = 0.99f, epsilon = 1e-3f;
    private Parameter gamma, beta, movingMean, movingVar;

    public BatchNormalization momentum(float m) {
        if (!(m >= 0 && m <= 1)) throw new IllegalArgumentException("BatchNormalization: momentum must be in [0, 1], got " + m);
        momentum = m;
        return this;
    }

    public BatchNormalization epsilon(float e) {
        if (!(e > 0) || Float.isInfinite(e)) throw new IllegalArgumentException("BatchNormalization: epsilon must be a finite number > 0, got " + e);
        epsilon = e;
        return this;
    }

    @Override
    protected int[] init(int[][] inputShapes) {
        int[] s = single("BatchNormalization", inputShapes);
        int[] c = {s[0]};
        gamma = addParameter("gamma", c, Initializer.ones(), s[0], s[0], true);
        beta = addParameter("beta", c, Initializer.zeros(), s[0], s[0], true);
        movingMean = addParameter("moving_mean", c, Initializer.zeros(), s[0], s[0], false);
        movingVar = addParameter("moving_variance", c, Initializer.ones(), s[0], s[0], false);
        return s;
    }

    @Override
    public Tensor forward(Tensor[] inputs, Mode mode) {
        return NeuralOps.batchNorm(inputs[0], gamma.value(), beta.value(), movingMean.value(), movingVar.value(),
                epsilon, momentum, mode.isTraining());
    }
}
