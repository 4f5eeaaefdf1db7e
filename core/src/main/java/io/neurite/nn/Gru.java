package io.neurite.nn;

import io.neurite.tensor.RecurrentOps;
import io.neurite.tensor.Tensor;

/**
 * Gated recurrent unit, Keras' {@code GRU} with its default {@code reset_after=True} (the form
 * PyTorch and cuDNN use): for each step, gates in Keras' order z, r, h (n here),
 * {@code z = sigmoid(x W_z + bi_z + h U_z + br_z)}, {@code r = sigmoid(x W_r + bi_r + h U_r + br_r)},
 * {@code n = tanh(x W_n + bi_n + r (h U_n + br_n))}, {@code h_t = z h_{t-1} + (1 - z) n}.
 * Backpropagation through time runs on the device (see {@link RecurrentOps#gru}).
 *
 * <p>Weights, as Keras: {@code kernel} [features, 3 units], {@code recurrent_kernel} [units,
 * 3 units], {@code bias} [2, 3 units] (row 0 the input bias bi, row 1 the recurrent bias br);
 * 3 (features units + units^2 + 2 units) parameters. Defaults: Glorot-uniform kernel,
 * orthogonal recurrent kernel, zero bias.
 *
 * <p>PyTorch's {@code nn.GRU} orders its gates r, z, n instead. With K = kernel, R =
 * recurrent_kernel and blocks [z | r | n] of H columns: {@code weight_ih_l0 = [K_r | K_z | K_n]^T},
 * {@code weight_hh_l0 = [R_r | R_z | R_n]^T}, {@code bias_ih_l0 = [bi_r, bi_z, bi_n]},
 * {@code bias_hh_l0 = [br_r, br_z, br_n]}; the equations are then the same.
 *
 * <p>An initial state h0 is an extra input: {@code gru.call(x, h0)}, [units] per sample.
 */
public final class Gru extends Recurrent {
    public Gru(int units) {
        super(units);
    }

    @Override
    public Gru returnSequences(boolean all) {
        super.returnSequences(all);
        return this;
    }

    @Override
    public String type() {
        return super.type().replace("Gru", "GRU");
    }

    @Override
    protected int gates() {
        return 3;
    }

    @Override
    protected int[] biasShape() {
        return new int[] {2, 3 * units};
    }

    @Override
    public Tensor forward(Tensor[] inputs, Mode mode) {
        return RecurrentOps.gru(inputs[0], kernel(), recurrentKernel(), bias(), state(inputs, 0), returnSequences);
    }
}
