package io.neurite.nn;

import io.neurite.device.Op;
import io.neurite.tensor.NeuralOps;
import io.neurite.tensor.Tensor;
import java.util.Locale;

/**
 * An activation as a layer, and the names layers accept for theirs (Keras' names): {@code linear},
 * {@code relu}, {@code leaky_relu} (slope 0.3 as Keras, or {@code leaky_relu:0.01}),
 * {@code sigmoid}, {@code tanh}, {@code softmax}, {@code log_softmax} (over the last axis, computed
 * shifted by the row maximum, so large logits neither overflow nor lose the small ones). PReLU has
 * weights: see {@link PRelu}.
 *
 * <pre>{@code
 * Node out = new Activation("log_softmax").call(new Dense(10).call(Input.of(784)));
 * }</pre>
 */
public final class Activation extends Layer {
    private final String function;

    public Activation(String function) {
        this.function = check(function);
    }

    static String check(String f) {
        String n = f == null ? "linear" : f.toLowerCase(Locale.ROOT);
        if (n.equals("linear") || n.equals("relu") || n.equals("sigmoid") || n.equals("tanh") || n.equals("softmax")
                || n.equals("log_softmax") || n.equals("leaky_relu")) {
            return n;
        }
        if (n.startsWith("leaky_relu:")) {
            try {
                if (Float.isFinite(Float.parseFloat(n.substring("leaky_relu:".length())))) return n;
            } catch (NumberFormatException e) {
                // refused below
            }
            throw new IllegalArgumentException("activation '" + f + "': the leaky_relu slope must be a finite number");
        }
        throw new IllegalArgumentException("unknown activation '" + f + "': use linear, relu, leaky_relu, sigmoid, tanh, softmax or log_softmax"
                + " (prelu is the PRelu layer)");
    }

    /** Whether a named activation (already {@link #check checked}) works element by element: linear, relu, leaky_relu, sigmoid, tanh. */
    static boolean elementwise(String f) {
        return !f.equals("softmax") && !f.equals("log_softmax");
    }

    /** The op of an {@link #elementwise} activation, null for linear. */
    static Op op(String f) {
        return switch (f) {
            case "linear" -> null;
            case "relu" -> Op.RELU;
            case "sigmoid" -> Op.SIGMOID;
            case "tanh" -> Op.TANH;
            default -> Op.LEAKY_RELU;
        };
    }

    /** The negative slope of a leaky_relu activation (0.3 unless named, as Keras), 0 for the others. */
    static float slope(String f) {
        if (f.equals("leaky_relu")) return 0.3f;
        return f.startsWith("leaky_relu:") ? Float.parseFloat(f.substring("leaky_relu:".length())) : 0f;
    }

    /** Applies a named activation (already {@link #check checked}). */
    static Tensor apply(String f, Tensor x) {
        if (f.equals("softmax")) return NeuralOps.softmax(x);
        if (f.equals("log_softmax")) return NeuralOps.logSoftmax(x);
        Op op = op(f);
        return op == null ? x : NeuralOps.activation(op, slope(f), x);
    }

    @Override
    public String type() {
        return "Activation(" + function + ")";
    }

    @Override
    protected int[] init(int[][] inputShapes) {
        return single(type(), inputShapes);
    }

    @Override
    public Tensor forward(Tensor[] inputs, Mode mode) {
        return apply(function, inputs[0]);
    }
}
