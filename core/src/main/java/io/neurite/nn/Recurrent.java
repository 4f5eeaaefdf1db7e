package io.neurite.nn;

import io.neurite.tensor.Tensor;
import java.util.SplittableRandom;

/**
 * What the recurrent layers ({@link SimpleRnn}, {@link Lstm}, {@link Gru}) share: input
 * [samples, steps, features] per batch ([steps, features] per sample), {@code units}, Keras'
 * {@code return_sequences}, optional initial states as extra inputs of the node, and Keras'
 * weights and initialisers: kernel [features, G] Glorot-uniform, recurrent kernel [units, G]
 * orthogonal, bias zero. G is units times the number of gates. Layers stack: a layer that
 * returns sequences feeds the next.
 *
 * <pre>{@code
 * Node in = Input.of(28, 28);
 * Node seq = new Lstm(64).returnSequences(true).call(in);          // [samples, 28, 64]
 * Node h0 = new Dense(32).activation("tanh").call(new Flatten().call(in));
 * Node last = new Gru(32).call(seq, h0);                           // [samples, 32], starting from h0
 * }</pre>
 */
public abstract class Recurrent extends Layer {
    protected final int units;
    protected boolean returnSequences;
    private Initializer kernelInit = Initializer.glorotUniform();
    private Initializer recurrentInit = orthogonal();
    private Parameter kernel, recurrentKernel, bias;

    protected Recurrent(int units) {
        this.units = Checks.size(getClass().getSimpleName(), "units", units);
    }

    public int units() {
        return units;
    }

    /** Whether the output is every step's h [samples, steps, units] rather than the last h [samples, units]. */
    public Recurrent returnSequences(boolean all) {
        returnSequences = all;
        return this;
    }

    public Recurrent kernelInitializer(Initializer i) {
        kernelInit = i;
        return this;
    }

    public Recurrent recurrentInitializer(Initializer i) {
        recurrentInit = i;
        return this;
    }

    /** Gates per unit: G = gates() units. */
    protected abstract int gates();

    /** The initial states the layer takes besides its input: 1 (h), or 2 (h and c) for the LSTM. */
    protected int states() {
        return 1;
    }

    /** The bias's shape, Keras': [G], or [2, G] for the GRU's separate input and recurrent biases. */
    protected int[] biasShape() {
        return new int[] {gates() * units};
    }

    /** The bias's initial values (zeros unless a layer says otherwise). */
    protected Initializer biasInitializer() {
        return Initializer.zeros();
    }

    @Override
    public String type() {
        return getClass().getSimpleName() + "(" + units + (returnSequences ? ", sequences" : "") + ")";
    }

    @Override
    protected int[] init(int[][] inputShapes) {
        String me = getClass().getSimpleName();
        if (inputShapes.length != 1 && inputShapes.length != 1 + states()) {
            throw new IllegalArgumentException(me + " takes its input" + (states() == 1 ? " and optionally an initial state"
                    : " and optionally " + states() + " initial states") + ", got " + inputShapes.length + " inputs");
        }
        int[] s = inputShapes[0];
        rank(me, s, 2, "[steps, features]");
        for (int i = 1; i < inputShapes.length; i++) {
            if (inputShapes[i].length != 1 || inputShapes[i][0] != units) {
                throw new IllegalArgumentException(me + " initial state " + i + " must be [" + units + "] per sample, got "
                        + java.util.Arrays.toString(inputShapes[i]));
            }
        }
        int g = gates() * units;
        kernel = addParameter("kernel", new int[] {s[1], g}, kernelInit, s[1], g, true);
        recurrentKernel = addParameter("recurrent_kernel", new int[] {units, g}, recurrentInit, units, g, true);
        bias = addParameter("bias", biasShape(), biasInitializer(), s[1], g, true);
        return returnSequences ? new int[] {s[0], units} : new int[] {units};
    }

    protected final Tensor kernel() {
        return kernel.value();
    }

    protected final Tensor recurrentKernel() {
        return recurrentKernel.value();
    }

    protected final Tensor bias() {
        return bias.value();
    }

    /** The initial state i (0 = h, 1 = c) of the node's extra inputs, or null for zeros. */
    protected static Tensor state(Tensor[] inputs, int i) {
        return inputs.length > 1 + i ? inputs[1 + i] : null;
    }

    /**
     * Keras' {@code Orthogonal} (gain 1), the recurrent kernels' default: for a [rows, cols] weight
     * (rows = fanIn, cols = fanOut, as the layers pass them), a Gaussian matrix of
     * [max(rows, cols), min(rows, cols)] is orthonormalised by QR (modified Gram-Schmidt, whose R
     * has a positive diagonal, as Keras' sign correction gives) and transposed when rows are
     * fewer than columns, so the rows (or columns) of the weight are orthonormal.
     */
    public static Initializer orthogonal() {
        return (v, rows, cols, r) -> {
            if ((long) rows * cols != v.length) {
                throw new IllegalArgumentException("orthogonal: " + v.length + " values are not " + rows + " x " + cols);
            }
            int tall = Math.max(rows, cols), narrow = Math.min(rows, cols);
            double[][] q = new double[narrow][tall];
            for (double[] column : q) for (int i = 0; i < tall; i++) column[i] = gaussian(r);
            for (int j = 0; j < narrow; j++) {
                for (int p = 0; p < j; p++) {
                    double d = dot(q[p], q[j]);
                    for (int i = 0; i < tall; i++) q[j][i] -= d * q[p][i];
                }
                double norm = Math.sqrt(dot(q[j], q[j]));
                for (int i = 0; i < tall; i++) q[j][i] /= norm;
            }
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) v[i * cols + j] = (float) (rows >= cols ? q[j][i] : q[i][j]);
            }
        };
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    private static double gaussian(SplittableRandom r) {
        // Box-Muller, as Initializer.normal draws.
        double u = 1 - r.nextDouble(), w = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * w);
    }
}
