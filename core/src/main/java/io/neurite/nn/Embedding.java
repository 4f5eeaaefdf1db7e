package io.neurite.nn;

import io.neurite.device.DType;
import io.neurite.tensor.NeuralOps;
import io.neurite.tensor.Tensor;

/**
 * A lookup table of learnt vectors, Keras' {@code Embedding}: token ids [samples, steps] (any
 * per-sample shape) become [samples, steps, width]. Weight {@code embeddings} [vocabulary, width],
 * uniform in [-0.05, 0.05] as Keras; PyTorch's {@code nn.Embedding.weight} is the same matrix.
 *
 * <p>Ids are int32 tensors: {@code model.forward(Tensor.of(device, ids, samples, steps), ...)}.
 * A float tensor of whole numbers is accepted too and converted on the host (exact below 2^24),
 * which is how ids arrive from a {@link io.neurite.data.Dataset} through the
 * {@code Trainer}, which uploads features as floats. An id outside
 * [0, vocabulary) is an error naming it.
 *
 * <pre>{@code
 * Node in = Input.of(20);                                      // 20 token ids per sample
 * Node x = new Lstm(32).call(new Embedding(1000, 16).call(in));
 * Model m = new Model(in, new Dense(2).call(x));
 * }</pre>
 */
public final class Embedding extends Layer {
    private final int vocabulary;
    private final int width;
    private Initializer init = Initializer.uniform(-0.05f, 0.05f);
    private Parameter table;

    public Embedding(int vocabulary, int width) {
        this.vocabulary = Checks.size("Embedding", "vocabulary", vocabulary);
        this.width = Checks.size("Embedding", "width", width);
    }

    public Embedding initializer(Initializer i) {
        init = i;
        return this;
    }

    @Override
    public String type() {
        return "Embedding(" + vocabulary + ", " + width + ")";
    }

    @Override
    protected int[] init(int[][] inputShapes) {
        int[] s = single("Embedding", inputShapes);
        table = addParameter("embeddings", new int[] {vocabulary, width}, init, vocabulary, width, true);
        int[] out = java.util.Arrays.copyOf(s, s.length + 1);
        out[s.length] = width;
        return out;
    }

    @Override
    public Tensor forward(Tensor[] inputs, Mode mode) {
        return NeuralOps.embedding(table.value(), ids(inputs[0]));
    }

    /** The ids as int32: as given, or rounded from whole-number floats on the host. */
    private static Tensor ids(Tensor x) {
        if (x.dtype() == DType.INT32) return x;
        float[] v = x.toFloatArray();
        int[] ids = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            if (v[i] != Math.rint(v[i]) || Math.abs(v[i]) >= 1 << 24) {
                throw new IllegalArgumentException("Embedding: id " + v[i] + " at position " + i + " is not a whole number below 2^24");
            }
            ids[i] = (int) v[i];
        }
        return Tensor.of(x.device(), ids, x.shape());
    }
}
