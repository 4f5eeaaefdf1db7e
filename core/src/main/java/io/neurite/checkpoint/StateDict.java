package io.neurite.checkpoint;

import io.neurite.io.CheckpointException;
import io.neurite.io.SafeTensors;
import io.neurite.nn.BatchNormalization;
import io.neurite.nn.Conv2d;
import io.neurite.nn.Dense;
import io.neurite.nn.Embedding;
import io.neurite.nn.GlobalAveragePooling2d;
import io.neurite.nn.Gru;
import io.neurite.nn.Input;
import io.neurite.nn.Layer;
import io.neurite.nn.Model;
import io.neurite.nn.Node;
import io.neurite.nn.PRelu;
import io.neurite.nn.Parameter;
import io.neurite.nn.Recurrent;
import io.neurite.nn.Sequential;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model's weights as a PyTorch {@code state_dict} in safetensors: PyTorch's names and layouts
 * for the equivalent module, so that {@code module.load_state_dict(safetensors.torch.load_file(f))}
 * works with no mapping, and a {@code state_dict} saved by {@code safetensors.torch.save_file}
 * loads into the equivalent Neurite model.
 *
 * <p><b>Names.</b> A {@link Sequential}'s weights are named by the index of each module in the
 * equivalent {@code nn.Sequential}, where every Neurite layer after the input is one module,
 * except: a {@link Dense} or {@link Conv2d} with an activation is two ({@code Linear} or
 * {@code Conv2d}, then the activation: {@code ReLU}, {@code Sigmoid}, {@code Tanh},
 * {@code LeakyReLU(slope)}, {@code Softmax(dim=-1)}, {@code LogSoftmax(dim=-1)}), and {@link GlobalAveragePooling2d} is two
 * ({@code AdaptiveAvgPool2d(1)}, {@code Flatten()}). Flatten, Reshape, pooling, dropout and
 * activation layers count one index each. LeNet-5 (conv-relu, pool, conv-relu, pool, flatten,
 * dense-relu, dense-relu, dense) is {@code 0.weight}, {@code 3.weight}, {@code 7.weight},
 * {@code 9.weight}, {@code 11.weight}. Any other model's weights are named by layer:
 * {@code conv2d_1.weight}, the equivalent module having each layer as an attribute of its name.
 *
 * <p><b>Layouts</b> (PyTorch's; {@code H} = units):
 * <ul>
 *   <li>Dense: {@code weight} [units, in] (the kernel transposed), {@code bias} [units].</li>
 *   <li>Conv2d: {@code weight} [filters, channels, kh, kw], {@code bias} [filters].</li>
 *   <li>BatchNormalization: {@code weight}, {@code bias}, {@code running_mean},
 *       {@code running_var} [channels] ({@code BatchNorm2d(C, eps=1e-3, momentum=0.01)} for
 *       Keras' defaults); a {@code num_batches_tracked} in a file being read is ignored.</li>
 *   <li>PRelu: {@code weight} [channels] ({@code PReLU(C)}); Embedding: {@code weight} [vocabulary, width].</li>
 *   <li>Lstm, Gru, SimpleRnn ({@code nn.LSTM}, {@code nn.GRU}, {@code nn.RNN} with
 *       {@code batch_first=True}): {@code weight_ih_l0} [G H, features], {@code weight_hh_l0}
 *       [G H, H], {@code bias_ih_l0}, {@code bias_hh_l0} [G H], in PyTorch's gate order (the
 *       layers' class comments give the mapping). Neurite's one LSTM and RNN bias is written as
 *       {@code bias_ih_l0} with a zero {@code bias_hh_l0}, and read as their sum.</li>
 * </ul>
 * Layers without weights write nothing; a layer with weights of another kind is refused.
 *
 * <pre>{@code
 * StateDict.save(model, Path.of("model.safetensors"));   // torch: m.load_state_dict(load_file(f))
 * StateDict.load(model, Path.of("torch.safetensors"));   // from safetensors.torch.save_file(m.state_dict(), f)
 * }</pre>
 */
public final class StateDict {
    private static final String TRACKED = "num_batches_tracked";

    private StateDict() {
    }

    /** Writes the model's weights under PyTorch's names and layouts, atomically. */
    public static void save(Model model, Path file) throws IOException {
        List<SafeTensors.Named> out = new ArrayList<>();
        tensors(model).forEach((k, v) -> out.add(new SafeTensors.Named(k, v.shape, v.values)));
        SafeTensors.write(file, out, Map.of());
    }

    /** The PyTorch name and shape of every tensor {@link #save} writes, in order. */
    public static Map<String, int[]> names(Model model) {
        Map<String, int[]> names = new LinkedHashMap<>();
        tensors(model).forEach((k, v) -> names.put(k, v.shape.clone()));
        return names;
    }

    /**
     * Loads every weight of a built model from a PyTorch {@code state_dict} file. Every name,
     * shape and dtype is checked first; a file that does not fit changes nothing, and the
     * refusal lists each problem.
     */
    public static void load(Model model, Path file) throws IOException {
        Map<String, Torch> want = tensors(model);
        // a state_dict comes from PyTorch, which writes no checksums; those present are still checked
        try (SafeTensors.Reader r = SafeTensors.open(file, false)) {
            List<String> problems = new ArrayList<>();
            for (String k : want.keySet()) if (!r.entries().containsKey(k)) problems.add("no tensor '" + k + "'");
            for (SafeTensors.Entry e : r.entries().values()) {
                Torch t = want.get(e.name());
                if (t == null) {
                    if (!e.name().endsWith("." + TRACKED)) problems.add("unknown tensor '" + e.name() + "'");
                } else if (!Arrays.equals(t.shape, e.shape()) || !e.dtype().equals("F32")) {
                    problems.add("'" + e.name() + "' is " + e.dtype() + " " + Arrays.toString(e.shape()) + ", the model needs F32 "
                            + Arrays.toString(t.shape));
                }
            }
            if (!problems.isEmpty()) {
                throw new CheckpointException(file + " is not a state_dict of this model (" + (model instanceof Sequential
                        ? "nn.Sequential indices" : "layer names") + "): " + String.join("; ", problems.subList(0, Math.min(12, problems.size())))
                        + (problems.size() > 12 ? "; and " + (problems.size() - 12) + " more" : "") + ". Expected: " + want.keySet());
            }
            Map<String, float[]> read = new LinkedHashMap<>();
            for (String k : want.keySet()) read.put(k, r.floats(k));
            Map<Parameter, float[]> values = new LinkedHashMap<>();
            prefixes(model).forEach((l, prefix) -> values.putAll(fromTorch(l, prefix, read)));
            values.forEach((p, v) -> p.value().buffer().copyFrom(v, 0, 0, v.length));
        }
    }

    private record Torch(int[] shape, float[] values) {
    }

    /** Each layer's name prefix: its nn.Sequential index (with the dot), or its name. */
    static Map<Layer, String> prefixes(Model model) {
        Map<Layer, String> out = new LinkedHashMap<>();
        int index = 0;
        for (Node n : model.nodes()) {
            Layer l = n.layer();
            if (l instanceof Input) continue;
            out.put(l, (model instanceof Sequential ? Integer.toString(index) : l.name()) + ".");
            index += modules(l);
        }
        return out;
    }

    /** How many modules of an nn.Sequential the layer is. */
    static int modules(Layer l) {
        if (l instanceof GlobalAveragePooling2d) return 2;
        if (l instanceof Dense || l instanceof Conv2d) return "linear".equals(l.config().get("activation")) ? 1 : 2;
        return 1;
    }

    private static Map<String, Torch> tensors(Model model) {
        Map<String, Torch> out = new LinkedHashMap<>();
        prefixes(model).forEach((l, prefix) -> toTorch(l, prefix, out));
        return out;
    }

    private static float[] host(Layer l, String suffix) {
        return param(l, suffix).value().toFloatArray();
    }

    private static Parameter param(Layer l, String suffix) {
        for (Parameter p : l.parameters()) if (p.name().endsWith("/" + suffix)) return p;
        return null;
    }

    private static int[] shape(Layer l, String suffix) {
        return param(l, suffix).value().shape();
    }

    private static void toTorch(Layer l, String pre, Map<String, Torch> out) {
        if (l.parameters().isEmpty()) return;
        switch (l) {
            case Dense _ -> {
                int[] k = shape(l, "kernel");
                out.put(pre + "weight", new Torch(new int[] {k[1], k[0]}, transpose(host(l, "kernel"), k[0], k[1])));
                if (param(l, "bias") != null) out.put(pre + "bias", new Torch(new int[] {k[1]}, host(l, "bias")));
            }
            case Conv2d _ -> {
                out.put(pre + "weight", new Torch(shape(l, "kernel"), host(l, "kernel")));
                if (param(l, "bias") != null) out.put(pre + "bias", new Torch(new int[] {shape(l, "kernel")[0]}, host(l, "bias")));
            }
            case BatchNormalization _ -> {
                int[] c = shape(l, "gamma");
                out.put(pre + "weight", new Torch(c, host(l, "gamma")));
                out.put(pre + "bias", new Torch(c, host(l, "beta")));
                out.put(pre + "running_mean", new Torch(c, host(l, "moving_mean")));
                out.put(pre + "running_var", new Torch(c, host(l, "moving_variance")));
            }
            case PRelu _ -> out.put(pre + "weight", new Torch(shape(l, "alpha"), host(l, "alpha")));
            case Embedding _ -> out.put(pre + "weight", new Torch(shape(l, "embeddings"), host(l, "embeddings")));
            case Recurrent r -> {
                int[] k = shape(l, "kernel");
                int g = k[1], h = r.units();
                float[] ih = transpose(host(l, "kernel"), k[0], g), hh = transpose(host(l, "recurrent_kernel"), h, g), b = host(l, "bias");
                float[] bih = Arrays.copyOf(b, g), bhh = l instanceof Gru ? Arrays.copyOfRange(b, g, 2 * g) : new float[g];
                if (l instanceof Gru) {
                    for (float[] a : List.of(bih, bhh)) swapFirstBlocks(a, h);
                    swapFirstBlocks(ih, h * k[0]);
                    swapFirstBlocks(hh, h * h);
                }
                out.put(pre + "weight_ih_l0", new Torch(new int[] {g, k[0]}, ih));
                out.put(pre + "weight_hh_l0", new Torch(new int[] {g, h}, hh));
                out.put(pre + "bias_ih_l0", new Torch(new int[] {g}, bih));
                out.put(pre + "bias_hh_l0", new Torch(new int[] {g}, bhh));
            }
            default -> throw new IllegalArgumentException(l.name() + ": no PyTorch equivalent is known for " + l.type()
                    + " (state_dict covers Dense, Conv2d, BatchNormalization, PRelu, Embedding, SimpleRnn, Lstm, Gru and layers without weights)");
        }
    }

    /** The layer's parameters from PyTorch tensors (already checked for names and shapes). */
    private static Map<Parameter, float[]> fromTorch(Layer l, String pre, Map<String, float[]> t) {
        Map<Parameter, float[]> out = new LinkedHashMap<>();
        if (l.parameters().isEmpty()) return out;
        switch (l) {
            case Dense _ -> {
                int[] k = shape(l, "kernel");
                out.put(param(l, "kernel"), transpose(t.get(pre + "weight"), k[1], k[0]));
                if (param(l, "bias") != null) out.put(param(l, "bias"), t.get(pre + "bias"));
            }
            case Conv2d _ -> {
                out.put(param(l, "kernel"), t.get(pre + "weight"));
                if (param(l, "bias") != null) out.put(param(l, "bias"), t.get(pre + "bias"));
            }
            case BatchNormalization _ -> {
                out.put(param(l, "gamma"), t.get(pre + "weight"));
                out.put(param(l, "beta"), t.get(pre + "bias"));
                out.put(param(l, "moving_mean"), t.get(pre + "running_mean"));
                out.put(param(l, "moving_variance"), t.get(pre + "running_var"));
            }
            case PRelu _ -> out.put(param(l, "alpha"), t.get(pre + "weight"));
            case Embedding _ -> out.put(param(l, "embeddings"), t.get(pre + "weight"));
            case Recurrent r -> {
                int[] k = shape(l, "kernel");
                int g = k[1], h = r.units();
                float[] ih = t.get(pre + "weight_ih_l0").clone(), hh = t.get(pre + "weight_hh_l0").clone();
                float[] bih = t.get(pre + "bias_ih_l0").clone(), bhh = t.get(pre + "bias_hh_l0").clone();
                float[] bias;
                if (l instanceof Gru) {
                    for (float[] a : List.of(bih, bhh)) swapFirstBlocks(a, h);
                    swapFirstBlocks(ih, h * k[0]);
                    swapFirstBlocks(hh, h * h);
                    bias = Arrays.copyOf(bih, 2 * g);
                    System.arraycopy(bhh, 0, bias, g, g);
                } else {
                    bias = new float[g];
                    for (int i = 0; i < g; i++) bias[i] = bih[i] + bhh[i];
                }
                out.put(param(l, "kernel"), transpose(ih, g, k[0]));
                out.put(param(l, "recurrent_kernel"), transpose(hh, g, h));
                out.put(param(l, "bias"), bias);
            }
            default -> throw new IllegalArgumentException(l.name() + ": no PyTorch equivalent is known for " + l.type());
        }
        return out;
    }

    /** A row-major [rows, cols] matrix transposed to [cols, rows]. */
    static float[] transpose(float[] a, int rows, int cols) {
        float[] t = new float[a.length];
        for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) t[j * rows + i] = a[i * cols + j];
        return t;
    }

    /** Swaps the first two blocks of n values: Keras' GRU gates z, r, n are PyTorch's r, z, n (an involution). */
    static void swapFirstBlocks(float[] a, int n) {
        for (int i = 0; i < n; i++) {
            float x = a[i];
            a[i] = a[n + i];
            a[n + i] = x;
        }
    }
}
