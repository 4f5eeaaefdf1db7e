package io.neurite.onnx;

import io.neurite.io.AtomicFiles;
import io.neurite.nn.Activation;
import io.neurite.nn.Add;
import io.neurite.nn.AveragePooling2d;
import io.neurite.nn.BatchNormalization;
import io.neurite.nn.Concatenate;
import io.neurite.nn.Conv2d;
import io.neurite.nn.Dense;
import io.neurite.nn.Dropout;
import io.neurite.nn.Embedding;
import io.neurite.nn.Flatten;
import io.neurite.nn.GlobalAveragePooling2d;
import io.neurite.nn.Gru;
import io.neurite.nn.Input;
import io.neurite.nn.Layer;
import io.neurite.nn.Lstm;
import io.neurite.nn.MaxPooling2d;
import io.neurite.nn.Model;
import io.neurite.nn.Node;
import io.neurite.nn.PRelu;
import io.neurite.nn.Parameter;
import io.neurite.nn.Recurrent;
import io.neurite.nn.Reshape;
import io.neurite.nn.SimpleRnn;
import io.neurite.device.Window2d;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import onnx.Onnx.ModelProto;
import onnx.Onnx.OperatorSetIdProto;

/**
 * Writes a built model (Sequential or functional) as an ONNX model, opset {@value #OPSET}, IR
 * version 8: float32 input and output with a symbolic batch dimension ({@code batch}), each
 * layer's output named by the layer, each weight an initialiser named by its parameter
 * ({@code dense_1/kernel}). Needs protobuf-java on the class path (an optional dependency of core).
 *
 * <p>Layers to ops: Dense is Gemm (MatMul and Add on inputs of more than one axis per sample),
 * then its activation; Conv2d is Conv (pads and strides from Keras' padding); MaxPooling2d,
 * AveragePooling2d (padding not counted, as Keras) and GlobalAveragePooling2d (then Flatten)
 * are the ONNX pools; activations are Relu, LeakyRelu, Sigmoid, Tanh, Softmax and LogSoftmax (last axis);
 * PRelu, Flatten, Reshape, BatchNormalization, Dropout (inference: an identity), Add, Concat;
 * Embedding is Cast to int64 then Gather; Lstm, Gru (linear_before_reset=1) and SimpleRnn are
 * LSTM, GRU and RNN between Transposes to ONNX's time-major layout, with the gates reordered
 * (LSTM: Keras' i, f, c, o to ONNX's i, o, f, c; GRU: z, r, h in both). A layer of another
 * kind is refused, every such layer named in one message.
 *
 * <pre>{@code
 * OnnxExport.write(model, Path.of("lenet.onnx"));
 * }</pre>
 */
public final class OnnxExport {
    public static final int OPSET = 17;

    private OnnxExport() {
    }

    /** Writes the model to file, atomically. */
    public static void write(Model model, Path file) throws IOException {
        byte[] bytes = toModelProto(model).toByteArray();
        AtomicFiles.write(file, tmp -> Files.write(tmp, bytes));
    }

    /** The model as an ONNX ModelProto. */
    public static ModelProto toModelProto(Model model) {
        List<String> refused = new ArrayList<>();
        for (Layer l : model.layers()) if (!supported(l)) refused.add(l.name() + " (" + l.type() + ")");
        if (!refused.isEmpty()) throw new IllegalArgumentException("no ONNX export for: " + String.join(", ", refused));
        List<Node> nodes = model.nodes();
        Layer in = nodes.getFirst().layer(), out = nodes.getLast().layer();
        GraphWriter g = new GraphWriter("neurite");
        g.graph.addInput(GraphWriter.value(in.name(), model.inputShape()));
        for (Node n : nodes) if (!(n.layer() instanceof Input)) emit(g, n);
        g.graph.addOutput(GraphWriter.value(out.name(), model.outputShape()));
        return ModelProto.newBuilder().setIrVersion(8).setProducerName("neurite").setProducerVersion("0.1.0")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET)).setGraph(g.graph).build();
    }

    static boolean supported(Layer l) {
        return l instanceof Input || l instanceof Dense || l instanceof Conv2d || l instanceof MaxPooling2d || l instanceof AveragePooling2d
                || l instanceof GlobalAveragePooling2d || l instanceof Flatten || l instanceof Reshape || l instanceof Activation
                || l instanceof PRelu || l instanceof BatchNormalization || l instanceof Dropout || l instanceof Embedding
                || l instanceof Add || l instanceof Concatenate || l instanceof Lstm || l instanceof Gru
                || (l instanceof SimpleRnn && rnnActivation((String) l.config().get("activation")) != null);
    }

    private static void emit(GraphWriter g, Node n) {
        Layer l = n.layer();
        String name = l.name();
        List<String> in = new ArrayList<>();
        for (Node i : n.inputs()) in.add(i.layer().name());
        String x = in.getFirst();
        int[] inShape = n.inputs().getFirst().layer().outputShape();
        Map<String, Object> c = l.config();
        switch (l) {
            case Dense _ -> {
                String pre = activated(c) ? name + "/linear" : name;
                String k = g.floats(param(l, "kernel").name(), param(l, "kernel").value().shape(), host(l, "kernel"));
                Parameter b = param(l, "bias");
                if (inShape.length == 1) {
                    List<String> ins = GraphWriter.list(x, k);
                    if (b != null) ins.add(g.floats(b.name(), b.value().shape(), host(l, "bias")));
                    g.node("Gemm", name, ins, List.of(pre));
                } else if (b == null) {
                    g.node("MatMul", name, List.of(x, k), List.of(pre));
                } else {
                    g.node("MatMul", name + "/MatMul", List.of(x, k), List.of(name + "/matmul"));
                    g.node("Add", name, List.of(name + "/matmul", g.floats(b.name(), b.value().shape(), host(l, "bias"))), List.of(pre));
                }
                activation(g, (String) c.get("activation"), pre, name);
            }
            case Conv2d _ -> {
                Window2d w = window(c, "kernel", inShape);
                String pre = activated(c) ? name + "/linear" : name;
                List<String> ins = GraphWriter.list(x, g.floats(param(l, "kernel").name(), param(l, "kernel").value().shape(), host(l, "kernel")));
                Parameter b = param(l, "bias");
                if (b != null) ins.add(g.floats(b.name(), new int[] {b.value().shape()[0]}, host(l, "bias")));
                g.node("Conv", name, ins, List.of(pre), "kernel_shape", new long[] {w.kernelH(), w.kernelW()},
                        "strides", new long[] {w.strideH(), w.strideW()}, "pads", pads(w, inShape));
                activation(g, (String) c.get("activation"), pre, name);
            }
            case MaxPooling2d _ -> pool(g, "MaxPool", name, x, window(c, "size", inShape), inShape);
            case AveragePooling2d _ -> pool(g, "AveragePool", name, x, window(c, "size", inShape), inShape);
            case GlobalAveragePooling2d _ -> {
                g.node("GlobalAveragePool", name + "/GlobalAveragePool", x, name + "/pooled");
                g.node("Flatten", name, name + "/pooled", name, "axis", 1);
            }
            case Flatten _ -> g.node("Flatten", name, x, name, "axis", 1);
            case Reshape _ -> {
                int[] s = l.outputShape();
                long[] shape = new long[s.length + 1];
                shape[0] = -1;
                for (int i = 0; i < s.length; i++) shape[i + 1] = s[i];
                g.node("Reshape", name, List.of(x, g.longs(name + "/shape", shape)), List.of(name));
            }
            case Activation _ -> activation(g, (String) c.get("function"), x, name);
            case PRelu _ -> {
                int[] s = new int[inShape.length];
                Arrays.fill(s, 1);
                s[0] = inShape[0];
                g.node("PRelu", name, List.of(x, g.floats(param(l, "alpha").name(), s, host(l, "alpha"))), List.of(name));
            }
            case BatchNormalization _ -> {
                List<String> ins = GraphWriter.list(x);
                for (String p : List.of("gamma", "beta", "moving_mean", "moving_variance")) {
                    ins.add(g.floats(param(l, p).name(), param(l, p).value().shape(), host(l, p)));
                }
                g.node("BatchNormalization", name, ins, List.of(name), "epsilon", ((Number) c.get("epsilon")).floatValue(),
                        "momentum", ((Number) c.get("momentum")).floatValue());
            }
            case Dropout _ -> g.node("Dropout", name, List.of(x, g.floats(name + "/ratio", new int[0], new float[] {((Number) c.get("rate")).floatValue()})),
                    List.of(name));
            case Embedding _ -> {
                g.node("Cast", name + "/Cast", x, name + "/ids", "to", 7);
                Parameter t = param(l, "embeddings");
                g.node("Gather", name, List.of(g.floats(t.name(), t.value().shape(), host(l, "embeddings")), name + "/ids"), List.of(name), "axis", 0);
            }
            case Add _ -> {
                String acc = in.get(0);
                for (int i = 1; i < in.size(); i++) {
                    String o = i == in.size() - 1 ? name : name + "/sum" + i;
                    g.node("Add", i == in.size() - 1 ? name : name + "/Add" + i, List.of(acc, in.get(i)), List.of(o));
                    acc = o;
                }
            }
            case Concatenate _ -> g.node("Concat", name, in, List.of(name), "axis", 1);
            case Recurrent r -> recurrent(g, r, in, c);
            default -> throw new IllegalArgumentException(name + ": no ONNX export for " + l.type());
        }
    }

    private static void recurrent(GraphWriter g, Recurrent r, List<String> in, Map<String, Object> c) {
        String name = r.name();
        int h = r.units();
        int[] k = param(r, "kernel").value().shape();
        int f = k[0], gates = k[1];
        float[] w = transpose(host(r, "kernel"), f, gates), rw = transpose(host(r, "recurrent_kernel"), h, gates), b = host(r, "bias");
        float[] bias = new float[2 * gates];
        System.arraycopy(b, 0, bias, 0, b.length);
        String op;
        List<Object> attrs = new ArrayList<>(List.of("hidden_size", h));
        switch (r) {
            case Lstm _ -> {
                op = "LSTM";
                int[] order = {0, 3, 1, 2};   // ONNX's i, o, f, c from Keras' i, f, c, o
                w = blocks(w, order, h * f);
                rw = blocks(rw, order, h * h);
                System.arraycopy(blocks(b, order, h), 0, bias, 0, gates);
            }
            case Gru _ -> {
                op = "GRU";
                attrs.addAll(List.of("linear_before_reset", 1));
            }
            default -> {
                op = "RNN";
                String a = (String) c.get("activation");
                attrs.addAll(List.of("activations", new String[] {rnnActivation(a)}));
                if (a.startsWith("leaky_relu")) attrs.addAll(List.of("activation_alpha", new float[] {slope(a)}));
                if (a.equals("linear")) attrs.addAll(List.of("activation_alpha", new float[] {1f}, "activation_beta", new float[] {0f}));
            }
        }
        g.node("Transpose", name + "/TimeMajor", in.getFirst(), name + "/x", "perm", new long[] {1, 0, 2});
        List<String> ins = GraphWriter.list(name + "/x", g.floats(name + "/W", new int[] {1, gates, f}, w),
                g.floats(name + "/R", new int[] {1, gates, h}, rw), g.floats(name + "/B", new int[] {1, 2 * gates}, bias));
        if (in.size() > 1) {
            String axes = g.longs(name + "/axes0", 0);
            ins.add("");
            for (int i = 1; i < in.size(); i++) {
                String s = name + "/initial" + i;
                g.node("Unsqueeze", name + "/Unsqueeze" + i, List.of(in.get(i), axes), List.of(s));
                ins.add(s);
            }
        }
        boolean sequences = Boolean.TRUE.equals(c.get("return_sequences"));
        List<String> outs = sequences ? List.of(name + "/y") : List.of("", name + "/y_h");
        g.node(op, name + "/" + op, ins, outs, attrs.toArray());
        if (sequences) {
            g.node("Squeeze", name + "/Squeeze", List.of(name + "/y", g.longs(name + "/axes1", 1)), List.of(name + "/y_tm"));
            g.node("Transpose", name, name + "/y_tm", name, "perm", new long[] {1, 0, 2});
        } else {
            g.node("Squeeze", name, List.of(name + "/y_h", g.longs(name + "/axes0_h", 0)), List.of(name));
        }
    }

    private static void pool(GraphWriter g, String op, String name, String x, Window2d w, int[] inShape) {
        g.node(op, name, x, name, "kernel_shape", new long[] {w.kernelH(), w.kernelW()}, "strides", new long[] {w.strideH(), w.strideW()},
                "pads", pads(w, inShape));
    }

    /** Keras' window from a layer's config: {@code PREFIX_h}, {@code PREFIX_w}, {@code stride_h}, {@code stride_w}, {@code padding}. */
    static Window2d window(Map<String, Object> c, String prefix, int[] in) {
        return Window2d.keras((String) c.get("padding"), in[1], in[2], (Integer) c.get(prefix + "_h"), (Integer) c.get(prefix + "_w"),
                (Integer) c.get("stride_h"), (Integer) c.get("stride_w"));
    }

    /** ONNX's pads [top, left, bottom, right]: the end padding is what the output size needs beyond the start's. */
    static long[] pads(Window2d w, int[] in) {
        long bottom = Math.max(0, (long) (w.outH() - 1) * w.strideH() + w.kernelH() - in[1] - w.padTop());
        long right = Math.max(0, (long) (w.outW() - 1) * w.strideW() + w.kernelW() - in[2] - w.padLeft());
        return new long[] {w.padTop(), w.padLeft(), bottom, right};
    }

    private static boolean activated(Map<String, Object> c) {
        return !"linear".equals(c.get("activation"));
    }

    /** The activation node from x to out (an Identity for linear). */
    private static void activation(GraphWriter g, String f, String x, String out) {
        if (f.equals("linear") && x.equals(out)) return;
        switch (f) {
            case "linear" -> g.node("Identity", out + "/Identity", x, out);
            case "relu" -> g.node("Relu", out + "/Relu", x, out);
            case "sigmoid" -> g.node("Sigmoid", out + "/Sigmoid", x, out);
            case "tanh" -> g.node("Tanh", out + "/Tanh", x, out);
            case "softmax" -> g.node("Softmax", out + "/Softmax", x, out, "axis", -1);
            case "log_softmax" -> g.node("LogSoftmax", out + "/LogSoftmax", x, out, "axis", -1);
            default -> g.node("LeakyRelu", out + "/LeakyRelu", x, out, "alpha", slope(f));
        }
    }

    private static float slope(String f) {
        return f.startsWith("leaky_relu:") ? Float.parseFloat(f.substring("leaky_relu:".length())) : 0.3f;
    }

    /** ONNX's RNN activation for a SimpleRnn's, or null. */
    static String rnnActivation(String a) {
        return switch (a == null ? "tanh" : a) {
            case "tanh" -> "Tanh";
            case "relu" -> "Relu";
            case "sigmoid" -> "Sigmoid";
            case "linear" -> "Affine";
            default -> a.startsWith("leaky_relu") ? "LeakyRelu" : null;
        };
    }

    static Parameter param(Layer l, String suffix) {
        for (Parameter p : l.parameters()) if (p.name().endsWith("/" + suffix)) return p;
        return null;
    }

    static float[] host(Layer l, String suffix) {
        return param(l, suffix).value().toFloatArray();
    }

    static float[] transpose(float[] a, int rows, int cols) {
        float[] t = new float[a.length];
        for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) t[j * rows + i] = a[i * cols + j];
        return t;
    }

    /** Blocks of n values in a new order: block i of the result is block order[i] of a. */
    static float[] blocks(float[] a, int[] order, int n) {
        float[] out = new float[order.length * n];
        for (int i = 0; i < order.length; i++) System.arraycopy(a, order[i] * n, out, i * n, n);
        return out;
    }
}
