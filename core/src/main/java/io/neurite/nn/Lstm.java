package io.neurite.nn;

import io.neurite.tensor.RecurrentOps;
import io.neurite.tensor.Tensor;

/**
 * Long short-term memory, Keras' {@code LSTM}: for each step, with gates in Keras' order i, f,
 * c (called g here), o,
 * {@code i = sigmoid(x W_i + h U_i + b_i)}, {@code f = sigmoid(..)}, {@code g = tanh(..)},
 * {@code o = sigmoid(..)}, {@code c_t = f c_{t-1} + i g}, {@code h_t = o tanh(c_t)}.
 * Backpropagation through time runs on the device (see {@link RecurrentOps#lstm}).
 *
 * <p>Weights, as Keras: {@code kernel} [features, 4 units], {@code recurrent_kernel} [units,
 * 4 units], {@code bias} [4 units], each gate a block of units columns in the order i, f, g, o;
 * 4 (features units + units^2 + units) parameters (LSTM(128) on 28 features: 80,384). Defaults:
 * Glorot-uniform kernel, orthogonal recurrent kernel, zero bias but 1 for the forget gate
 * (Keras' {@code unit_forget_bias}).
 *
 * <p>PyTorch's {@code nn.LSTM} has the same gate order i, f, g, o: {@code weight_ih_l0 =
 * kernel^T} [4H, features], {@code weight_hh_l0 = recurrent_kernel^T} [4H, H], and its two
 * biases add up to this one ({@code bias_ih_l0 + bias_hh_l0 = bias}; load bias into one and
 * zeros into the other).
 *
 * <p>Initial states h0 and c0 are extra inputs: {@code lstm.call(x, h0, c0)}, each [units] per sample.
 */
public final class Lstm extends Recurrent {
    private boolean unitForgetBias = true;

    public Lstm(int units) {
        super(units);
    }

    /** Whether the forget gate's bias starts at 1 (Keras' default) rather than 0. */
    public Lstm unitForgetBias(boolean b) {
        unitForgetBias = b;
        return this;
    }

    @Override
    public Lstm returnSequences(boolean all) {
        super.returnSequences(all);
        return this;
    }

    @Override
    public String type() {
        return super.type().replace("Lstm", "LSTM");
    }

    @Override
    protected int gates() {
        return 4;
    }

    @Override
    protected int states() {
        return 2;
    }

    @Override
    protected Initializer biasInitializer() {
        int h = units;
        boolean one = unitForgetBias;
        return (v, in, out, r) -> {
            java.util.Arrays.fill(v, 0f);
            if (one) java.util.Arrays.fill(v, h, 2 * h, 1f);
        };
    }

    @Override
    public Tensor forward(Tensor[] inputs, Mode mode) {
        return RecurrentOps.lstm(inputs[0], kernel(), recurrentKernel(), bias(), state(inputs, 0), state(inputs, 1), returnSequences);
    }
}
