package io.neurite.behaviour;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurite.device.Op;
import io.neurite.nn.Dense;
import io.neurite.nn.Embedding;
import io.neurite.nn.Flatten;
import io.neurite.nn.Gru;
import io.neurite.nn.Input;
import io.neurite.nn.Lstm;
import io.neurite.nn.Mode;
import io.neurite.nn.Model;
import io.neurite.nn.Node;
import io.neurite.nn.Parameter;
import io.neurite.nn.Recurrent;
import io.neurite.nn.Reshape;
import io.neurite.nn.Sequential;
import io.neurite.nn.SimpleRnn;
import io.neurite.tensor.RecurrentOps;
import io.neurite.tensor.Scope;
import io.neurite.tensor.Tensor;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The recurrent layers: backpropagation through time against central finite
 * differences for every weight, the input and the initial states of each layer (both output
 * modes); Keras' parameter counts and initialisers; stacking, Embedding and Reshape in models.
 */
public abstract class RecurrentLayerBehaviour extends DeviceSuite {
    private static final int B = 2, T = 4, F = 3, H = 4;

    @Test
    void lstmGradientsMatchFiniteDifferences() {
        for (boolean sequences : new boolean[] {true, false}) {
            check(4, true, 2, in -> RecurrentOps.lstm(in[0], in[1], in[2], in[3], in[4], in[5], sequences));
        }
    }

    @Test
    void gruGradientsMatchFiniteDifferences() {
        for (boolean sequences : new boolean[] {true, false}) {
            check(3, false, 1, in -> RecurrentOps.gru(in[0], in[1], in[2], in[3], in[4], sequences));
        }
    }

    @Test
    void simpleRnnGradientsMatchFiniteDifferences() {
        for (Op act : new Op[] {Op.TANH, Op.SIGMOID, null}) {
            for (boolean sequences : new boolean[] {true, false}) {
                check(1, false, 1, in -> RecurrentOps.simpleRnn(in[0], in[1], in[2], in[3], in[4], act, 0, sequences));
            }
        }
    }

    /**
     * A layer given no initial state starts from zeros even when the device hands it buffers that
     * held other values: the per-step state tensors are allocated without zeroing (their steps
     * overwrite them) and only block 0 is cleared. The device's cache is first filled with NaN
     * arrays of every size the layers allocate, so a block left unwritten shows as NaN.
     */
    @Test
    void absentInitialStatesAreZerosWhateverTheBuffersHeld() {
        SplittableRandom r = new SplittableRandom(11);
        for (int gates : new int[] {4, 3, 1}) {
            int g = gates * H;
            Tensor x = Tensor.of(device, random(r, B * T * F, 1), B, T, F), w = Tensor.of(device, random(r, F * g, 0.6), F, g);
            Tensor u = Tensor.of(device, random(r, H * g, 0.6), H, g);
            Tensor b = gates == 3 ? Tensor.of(device, random(r, 2 * g, 1), 2, g) : Tensor.of(device, random(r, g, 1), g);
            Tensor zero = Tensor.zeros(device, B, H);
            try (Scope s = Scope.open(); var off = io.neurite.tensor.GradMode.disabled()) {
                for (boolean sequences : new boolean[] {true, false}) {
                    Function<Boolean, float[]> run = given -> {
                        Tensor h0 = given ? zero : null;
                        return (gates == 4 ? RecurrentOps.lstm(x, w, u, b, h0, h0, sequences)
                                : gates == 3 ? RecurrentOps.gru(x, w, u, b, h0, sequences)
                                : RecurrentOps.simpleRnn(x, w, u, b, h0, Op.TANH, 0, sequences)).toFloatArray();
                    };
                    float[] expected = run.apply(true);
                    poisonCache(g);
                    assertArrayEquals(expected, run.apply(false), "gates " + gates + ", sequences " + sequences
                            + ": no initial state must equal zero initial states");
                }
            } finally {
                for (Tensor t : new Tensor[] {x, w, u, b, zero}) t.close();
            }
        }
    }

    /**
     * The gradients of every operand are the same whether or not the device's cache held NaN
     * buffers of the sizes the backward allocates, with more units than a vector holds, so that
     * the CPU's vector loops write their part (the gradient checks' four units take its scalar tail).
     */
    @Test
    void backwardWritesEveryBufferItDoesNotZero() {
        int h = 19;
        SplittableRandom r = new SplittableRandom(13);
        for (int gates : new int[] {4, 3, 1}) {
            int g = gates * h;
            float[][] values = {random(r, B * T * F, 1), random(r, F * g, 0.6), random(r, h * g, 0.6), random(r, (gates == 3 ? 2 : 1) * g, 1)};
            int[][] shapes = {{B, T, F}, {F, g}, {h, g}, gates == 3 ? new int[] {2, g} : new int[] {g}};
            float[][] first = null;
            for (boolean poisoned : new boolean[] {false, true}) {
                Tensor[] in = new Tensor[4];
                for (int i = 0; i < 4; i++) in[i] = Tensor.of(device, values[i], shapes[i]).requiresGrad();
                try (Scope s = Scope.open()) {
                    Tensor out = gates == 4 ? RecurrentOps.lstm(in[0], in[1], in[2], in[3], null, null, true)
                            : gates == 3 ? RecurrentOps.gru(in[0], in[1], in[2], in[3], null, true)
                            : RecurrentOps.simpleRnn(in[0], in[1], in[2], in[3], null, Op.TANH, 0, true);
                    if (poisoned) poisonCache(g, h);
                    out.mul(out).sum().backward();
                    float[][] grads = new float[4][];
                    for (int i = 0; i < 4; i++) grads[i] = in[i].grad().toFloatArray();
                    if (first == null) first = grads;
                    else for (int i = 0; i < 4; i++) assertArrayEquals(first[i], grads[i], "gates " + gates + ", operand " + i);
                } finally {
                    for (Tensor t : in) t.close();
                }
            }
        }
    }

    /**
     * Leaves NaN-filled buffers of every size a recurrent layer of G gate units allocates in the
     * device's cache, for the layer's next buffers of those sizes: one it does not write whole then
     * shows as NaN.
     */
    private void poisonCache(int g) {
        poisonCache(g, H);
    }

    private void poisonCache(int g, int h) {
        for (long n : new long[] {(T + 1L) * B * h, (long) T * B * g, (long) B * h, (long) T * B * F, (long) B * T * h, (long) B * g,
                (long) g * h, (long) F * g}) {
            for (int copies = 0; copies < 3; copies++) Tensor.full(device, Float.NaN, (int) n).close();
        }
    }

    /**
     * Differentiates {@code L = sum(R * layer(x, W, U, b, states...))} for a fixed random R with
     * respect to every element of every operand, analytically and by central differences of the
     * float forward (step 1e-2, the loss summed in double), which agree to about 1e-4 here.
     */
    private void check(int gates, boolean lstm, int states, Function<Tensor[], Tensor> layer) {
        SplittableRandom r = new SplittableRandom(7 + gates);
        int[][] shapes = {{B, T, F}, {F, gates * H}, {H, gates * H}, gates == 3 ? new int[] {2, gates * H} : new int[] {gates * H},
                {B, H}, {B, H}};
        Tensor[] in = new Tensor[4 + states];
        float[][] values = new float[in.length][];
        for (int i = 0; i < in.length; i++) {
            values[i] = random(r, (int) Tensor.size(shapes[i]), i == 1 || i == 2 ? 0.6 : 1);
            in[i] = Tensor.of(device, values[i], shapes[i]).requiresGrad();
        }
        try (Scope s = Scope.open()) {
            int outSize = (int) layer.apply(in).size();
            float[] weights = random(r, outSize, 1);
            Tensor out = layer.apply(in);
            poisonCache(gates * H); // the backward's buffers that start uninitialized must be written whole
            out.mul(Tensor.of(device, weights, out.shape())).sum().backward();
            for (int i = 0; i < in.length; i++) {
                float[] analytic = in[i].grad().toFloatArray();
                for (int e = 0; e < values[i].length; e++) {
                    double numeric = (loss(layer, in, i, values[i], e, 1e-2f, weights)
                            - loss(layer, in, i, values[i], e, -1e-2f, weights)) / 2e-2;
                    double err = Math.abs(analytic[e] - numeric) / Math.max(1, Math.abs(numeric));
                    assertTrue(err < 2e-3, (lstm ? "LSTM" : gates == 3 ? "GRU" : "SimpleRNN") + " operand " + i + " element " + e
                            + ": backward " + analytic[e] + ", finite differences " + numeric);
                }
            }
        } finally {
            for (Tensor t : in) t.close();
        }
    }

    private static double loss(Function<Tensor[], Tensor> layer, Tensor[] in, int which, float[] v, int e, float h, float[] w) {
        float keep = v[e];
        v[e] = keep + h;
        in[which].buffer().copyFrom(v);
        v[e] = keep;
        try (Scope s = Scope.open(); var off = io.neurite.tensor.GradMode.disabled()) {
            float[] out = layer.apply(in).toFloatArray();
            double sum = 0;
            for (int i = 0; i < out.length; i++) sum += (double) out[i] * w[i];
            return sum;
        } finally {
            in[which].buffer().copyFrom(v);
        }
    }

    private static float[] random(SplittableRandom r, int n, double scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (scale * (2 * r.nextDouble() - 1));
        return v;
    }

    @Test
    void parameterCountsAndShapesFollowKeras() {
        try (Model lstm = new Sequential(Input.of(28, 28), new Lstm(128), new Dense(10)).build(device, 1);
             Model gru = new Sequential(Input.of(28, 28), new Gru(128), new Dense(10)).build(device, 1);
             Model rnn = new Sequential(Input.of(28, 28), new SimpleRnn(128), new Dense(10)).build(device, 1)) {
            assertTrue(lstm.summary().contains("Total params: 81,674"), lstm.summary());
            assertEquals(3 * (28 * 128 + 128 * 128 + 2 * 128) + 1290, count(gru));
            assertEquals(28 * 128 + 128 * 128 + 128 + 1290, count(rnn));
            List<Parameter> p = gru.parameters();
            assertArrayEquals(new int[] {2, 384}, p.get(2).value().shape(), "GRU bias: input and recurrent rows");
            assertTrue(gru.summary().contains("GRU(128)"), gru.summary());
        }
    }

    private static long count(Model m) {
        return m.parameters().stream().mapToLong(p -> p.value().size()).sum();
    }

    @Test
    void initialisersAreKeras() {
        try (Model m = new Sequential(Input.of(5, 3), new Lstm(6)).build(device, 3)) {
            float[] bias = m.parameters().get(2).value().toFloatArray();
            for (int j = 0; j < 24; j++) assertEquals(j >= 6 && j < 12 ? 1f : 0f, bias[j], "unit_forget_bias at " + j);
            float[] u = m.parameters().get(1).value().toFloatArray();
            // [6, 24] orthogonal: its rows are orthonormal.
            for (int a = 0; a < 6; a++) {
                for (int b = 0; b < 6; b++) {
                    double dot = 0;
                    for (int k = 0; k < 24; k++) dot += (double) u[a * 24 + k] * u[b * 24 + k];
                    assertEquals(a == b ? 1 : 0, dot, 1e-5, "U U^T at " + a + "," + b);
                }
            }
        }
        float[] tall = new float[12 * 4];
        Recurrent.orthogonal().fill(tall, 12, 4, new SplittableRandom(1));
        for (int a = 0; a < 4; a++) {
            double dot = 0;
            for (int k = 0; k < 12; k++) dot += (double) tall[k * 4 + a] * tall[k * 4 + a];
            assertEquals(1, dot, 1e-5, "a tall orthogonal matrix has unit columns");
        }
    }

    @Test
    void stackedLayersWithAnInitialStateTrainThroughAModel() {
        Node in = Input.of(6, 3);
        Node h0 = new Dense(5).activation("tanh").call(new Flatten().call(in));
        Node seq = new Lstm(4).returnSequences(true).call(in);
        Node gru = new Gru(5).call(new SimpleRnn(3).returnSequences(true).call(seq), h0);
        try (Model m = new Model(in, new Dense(2).call(gru)).build(device, 5);
             Tensor x = Tensor.uniform(device, 9, -1, 1, 7, 6, 3); Scope s = Scope.open()) {
            assertArrayEquals(new int[] {2}, m.outputShape());
            m.forward(x, Mode.TRAINING).mul(m.forward(x, Mode.TRAINING)).sum().backward();
            for (Parameter p : m.parameters()) {
                float[] g = p.value().grad().toFloatArray();
                double norm = 0;
                for (float v : g) norm += v * v;
                assertTrue(norm > 0, p + " gets a gradient");
            }
        }
    }

    @Test
    void embeddingFeedsAnLstmFromIntOrFloatIds() {
        Node in = Input.of(5);
        Node out = new Dense(2).call(new Lstm(4).call(new Embedding(11, 3).call(in)));
        int[] ids = {0, 3, 10, 2, 2, 7, 1, 1, 9, 4};
        float[] asFloats = new float[ids.length];
        for (int i = 0; i < ids.length; i++) asFloats[i] = ids[i];
        try (Model m = new Model(in, out).build(device, 2); Scope s = Scope.open()) {
            Tensor a = m.forward(Tensor.of(device, ids, 2, 5), Mode.TRAINING);
            Tensor b = m.forward(Tensor.of(device, asFloats, 2, 5), Mode.INFERENCE);
            assertArrayEquals(a.toFloatArray(), b.toFloatArray(), 0f, "int and float ids give the same output");
            a.sum().backward();
            float[] g = m.parameters().get(0).value().grad().toFloatArray();
            for (int w = 0; w < 3; w++) assertEquals(0f, g[5 * 3 + w], "token 5 is never used: no gradient");
            assertTrue(g[10 * 3] != 0, "token 10 is used: a gradient");
            assertThrows(IllegalArgumentException.class, () -> m.forward(Tensor.of(device, new float[] {0.5f, 1, 2, 3, 4}, 1, 5), Mode.INFERENCE));
        }
    }

    @Test
    void reshapeTurnsImagesIntoRows() {
        try (Model m = new Sequential(Input.of(1, 28, 28), new Reshape(28, -1), new Lstm(8), new Dense(10)).build(device, 4);
             Tensor x = Tensor.uniform(device, 1, 0, 1, 3, 1, 28, 28); Scope s = Scope.open()) {
            assertArrayEquals(new int[] {3, 10}, m.forward(x, Mode.INFERENCE).shape());
            assertTrue(m.summary().contains("(None, 28, 28)"), m.summary());
        }
        assertThrows(IllegalArgumentException.class,
                () -> new Sequential(Input.of(1, 28, 28), new Reshape(27, -1)).build(device, 1));
    }

    @Test
    void badShapesAreRefusedWithTheirNames() {
        var e = assertThrows(IllegalArgumentException.class, () -> new Sequential(Input.of(28), new Lstm(4)).build(device, 1));
        assertTrue(e.getMessage().contains("[steps, features]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Lstm(0));
        assertThrows(IllegalArgumentException.class, () -> new SimpleRnn(3).activation("softmax"));
        assertThrows(IllegalArgumentException.class, () -> new SimpleRnn(3).activation("log_softmax"));
    }
}
