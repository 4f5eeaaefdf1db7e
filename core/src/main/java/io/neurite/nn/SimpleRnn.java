package io.neurite.nn;

import io.neurite.device.Op;
import io.neurite.tensor.RecurrentOps;
import io.neurite.tensor.Tensor;

/**
 * A fully connected recurrent layer, Keras' {@code SimpleRNN}: {@code h_t = activation(x_t W +
 * h_{t-1} U + b)}, tanh by default ({@code linear}, {@code relu}, {@code leaky_relu[:slope]},
 * {@code sigmoid} also accepted). Weights, as Keras: {@code kernel} [features, units],
 * {@code recurrent_kernel} [units, units], {@code bias} [units]; PyTorch's {@code nn.RNN} has
 * {@code weight_ih_l0 = kernel^T}, {@code weight_hh_l0 = recurrent_kernel^T} and
 * {@code bias_ih_l0 + bias_hh_l0 = bias}. An initial state is an extra input: {@code rnn.call(x, h0)}.
 */
public final class SimpleRnn extends Recurrent {
    private String activation = "tanh";

    public SimpleRnn(int units) {
        super(units);
    }

    public SimpleRnn activation(String a) {
        String n = Activation.check(a);
        if (n.endsWith("softmax")) throw new IllegalArgumentException("SimpleRnn cannot use " + n + " as its activation");
        if (n.startsWith("leaky_relu:") && !(Float.parseFloat(n.substring("leaky_relu:".length())) >= 0)) {
            throw new IllegalArgumentException("SimpleRnn needs a leaky_relu slope of at least 0, got " + a);
        }
        activation = n;
        return this;
    }

    @Override
    public SimpleRnn returnSequences(boolean all) {
        super.returnSequences(all);
        return this;
    }

    @Override
    public String type() {
        return "SimpleRNN(" + units + (activation.equals("tanh") ? "" : ", " + activation) + (returnSequences ? ", sequences" : "") + ")";
    }

    @Override
    protected int gates() {
        return 1;
    }

    @Override
    public Tensor forward(Tensor[] inputs, Mode mode) {
        Op op = switch (activation) {
            case "linear" -> null;
            case "relu" -> Op.RELU;
            case "sigmoid" -> Op.SIGMOID;
            case "tanh" -> Op.TANH;
            default -> Op.LEAKY_RELU;
        };
        float slope = activation.startsWith("leaky_relu:") ? Float.parseFloat(activation.substring("leaky_relu:".length())) : 0.3f;
        return RecurrentOps.simpleRnn(inputs[0], kernel(), recurrentKernel(), bias(), state(inputs, 0), op, slope, returnSequences);
    }
}
