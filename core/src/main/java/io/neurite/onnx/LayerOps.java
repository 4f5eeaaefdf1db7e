package io.neurite.onnx;

import io.neurite.nn.Activation;
import io.neurite.nn.AveragePooling2d;
import io.neurite.nn.Conv2d;
import io.neurite.nn.Dense;
import io.neurite.nn.GlobalAveragePooling2d;
import io.neurite.nn.Layer;
import io.neurite.nn.MaxPooling2d;
import io.neurite.nn.Node;
import io.neurite.onnx.Values.Const;
import io.neurite.onnx.Values.Dyn;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import onnx.Onnx.NodeProto;

/** Conv, the pools, Gemm and MatMul (with an Add of their bias), and activations, as Neurite layers. */
final class LayerOps {
    private LayerOps() {
    }

    static void conv(Step s) throws IOException {
        Dyn x = s.dynamic(0);
        s.require(x.shape.length == 3, "input " + x.describe() + " is not [N, C, H, W] (only 2-d convolutions)");
        Const w = s.constant(1, "the weight W");
        s.require(w.rank() == 4 && w.dims[1] == x.shape[0], "weight W " + Arrays.toString(w.dims) + " does not fit input " + x.describe()
                + " (groups are not supported)");
        s.requireDefault("group", 1);
        long[] k = s.attrs.ints("kernel_shape", new long[] {w.dims[2], w.dims[3]});
        s.require(k.length == 2 && k[0] == w.dims[2] && k[1] == w.dims[3], "kernel_shape " + Arrays.toString(k) + " differs from W's");
        String padding = Windows.padding(s, x.shape, k[0], k[1], false);
        long[] st = s.attrs.ints("strides", new long[] {1, 1});
        Const b = s.has(2) ? s.constant(2, "the bias B") : null;
        s.require(b == null || b.count() == w.dims[0], "bias B " + (b == null ? "" : Arrays.toString(b.dims)) + " is not [" + w.dims[0] + "]");
        int filters = Windows.size(w.dims[0], "filters");
        Fused f = fuseActivation(s, s.output(0));
        Conv2d c = new Conv2d(filters, (int) k[0], (int) k[1]).strides((int) st[0], (int) st[1]).padding(padding).activation(f.activation)
                .useBias(b != null);
        int[] shape = Windows.shape(filters, x.shape, padding, (int) k[0], (int) k[1], (int) st[0], (int) st[1]);
        place(s, c, f, shape, s.node(0));
        s.graph.weight(c, "kernel", w::floats);
        if (b != null) s.graph.weight(c, "bias", b::floats);
    }

    static void pool(Step s) {
        Dyn x = s.dynamic(0);
        s.require(x.shape.length == 3, "input " + x.describe() + " is not [N, C, H, W] (only 2-d pooling)");
        long[] k = s.attrs.ints("kernel_shape", null);
        s.require(k != null && k.length == 2, "kernel_shape must have 2 entries");
        String padding = Windows.padding(s, x.shape, k[0], k[1], true);
        long[] st = s.attrs.ints("strides", new long[] {1, 1});
        boolean max = s.op().equals("MaxPool");
        if (max) {
            s.requireDefault("storage_order", 0);
            s.require(s.node.getOutputCount() < 2 || !s.graph.used(s.output(1)), "the Indices output is not supported");
        } else {
            s.require(s.attrs.i("count_include_pad", 0) == 0 || padding.equals("valid"),
                    "count_include_pad=1 with padding is not supported (Neurite leaves padded cells out of the mean, as Keras)");
        }
        int kh = (int) k[0], kw = (int) k[1], sh = (int) st[0], sw = (int) st[1];
        Layer l = max ? new MaxPooling2d(kh, kw).strides(sh, sw).padding(padding) : new AveragePooling2d(kh, kw).strides(sh, sw).padding(padding);
        s.emit(l, Windows.shape(x.shape[0], x.shape, padding, kh, kw, sh, sw), s.node(0));
    }

    static void globalAveragePool(Step s) {
        Dyn x = s.dynamic(0);
        s.require(x.shape.length == 3, "input " + x.describe() + " is not [N, C, H, W]");
        // Neurite's layer gives [C]: with the Flatten that usually follows, the pair is one layer named after the Flatten.
        NodeProto next = s.graph.soleConsumer(s.output(0));
        boolean flat = next != null && next.getOpType().equals("Flatten")
                && next.getAttributeList().stream().allMatch(a -> a.getName().equals("axis") && a.getI() == 1);
        String name = flat ? next.getOutput(0) : s.output(0);
        Node n = s.graph.place(new GlobalAveragePooling2d(), s.layerName(), s.node(0));
        if (flat) {
            s.graph.fuse(next);
            s.graph.define(name, new Dyn(n, new int[] {x.shape[0]}));
        } else {
            s.out(0, new Dyn(n, new int[] {x.shape[0], 1, 1}, new int[] {x.shape[0]}));
        }
    }

    static void gemm(Step s) throws IOException {
        Dyn x = s.dynamic(0);
        s.require(x.shape.length == 1, "input A " + x.describe() + " is not [N, K]");
        s.requireDefault("transA", 0);
        s.require(s.attrs.f("alpha", 1f) == 1f && s.attrs.f("beta", 1f) == 1f, "alpha and beta other than 1 are not supported");
        boolean tb = s.attrs.i("transB", 0) == 1;
        Const w = s.constant(1, "the weight B");
        s.require(w.rank() == 2 && w.dims[tb ? 1 : 0] == x.shape[0], "weight B " + Arrays.toString(w.dims) + (tb ? " (transB)" : "")
                + " does not fit input " + x.describe());
        int units = Windows.size(w.dims[tb ? 0 : 1], "units");
        Const c = s.has(2) ? s.constant(2, "the bias C") : null;
        s.require(c == null || c.count() == units || c.count() == 1, "bias C " + (c == null ? "" : Arrays.toString(c.dims)) + " is not [" + units + "]");
        dense(s, w, tb, c, units, s.output(0), new int[] {units});
    }

    /** MatMul of a constant [K, M], with the Add of a constant [M] after it taken as its bias. */
    static void matMul(Step s) throws IOException {
        Dyn x = s.dynamic(0);
        Const w = s.constant(1, "the weight B");
        s.require(x.shape.length >= 1 && x.shape.length <= 2 && w.rank() == 2 && w.dims[0] == x.shape[x.shape.length - 1],
                "MatMul of " + x.describe() + " by " + Arrays.toString(w.dims) + ": only [N, K] or [N, T, K] by a constant [K, M] is supported");
        int units = Windows.size(w.dims[1], "units");
        int[] shape = x.shape.clone();
        shape[shape.length - 1] = units;
        NodeProto add = s.graph.soleConsumer(s.output(0));
        Const bias = null;
        String out = s.output(0);
        if (add != null && add.getOpType().equals("Add") && add.getInputCount() == 2 && add.getAttributeCount() == 0) {
            String other = add.getInput(0).equals(out) ? add.getInput(1) : add.getInput(0);
            if (s.graph.value(other) instanceof Const b && b.count() == units && b.dims.length >= 1 && b.dims[b.dims.length - 1] == units) {
                bias = b;
                s.graph.fuse(add);
                out = add.getOutput(0);
            }
        }
        dense(s, w, false, bias, units, out, shape);
    }

    private static void dense(Step s, Const w, boolean transposed, Const bias, int units, String out, int[] shape) {
        Fused f = fuseActivation(s, out);
        Dense d = new Dense(units).activation(f.activation).useBias(bias != null);
        Node n = s.graph.place(d, s.layerName(), s.node(0));
        s.graph.define(f.output, new Dyn(n, shape));
        s.graph.weight(d, "kernel", () -> transposed ? OnnxExport.transpose(w.floats(), units, (int) w.dims[1]) : w.floats());
        if (bias != null) s.graph.weight(d, "bias", () -> bias.count() == units ? bias.floats() : filled(units, bias.floats()[0]));
    }

    static float[] filled(int n, float v) {
        float[] a = new float[n];
        Arrays.fill(a, v);
        return a;
    }

    /** An activation fused into the layer before it, and the value the fused pair defines. */
    record Fused(String activation, String output) {
    }

    /** The activation that alone reads the value, fused (and marked converted), or linear. */
    static Fused fuseActivation(Step s, String value) {
        NodeProto next = s.graph.soleConsumer(value);
        String a = next == null ? null : activation(next, s.opset());
        if (a == null) return new Fused("linear", value);
        s.graph.fuse(next);
        return new Fused(a, next.getOutput(0));
    }

    /**
     * Neurite's name for an activation node (Relu, Sigmoid, Tanh, LeakyRelu, Softmax or LogSoftmax
     * over the last axis), or null where it is none of them or has attributes Neurite lacks.
     */
    static String activation(NodeProto n, int opset) {
        if (n.getOutputCount() != 1 || n.getInputCount() != 1) return null;
        Attributes a = new Attributes(n);
        String name = switch (n.getOpType()) {
            case "Relu" -> "relu";
            case "Sigmoid" -> "sigmoid";
            case "Tanh" -> "tanh";
            case "LeakyRelu" -> leaky(a.f("alpha", 0.01f));
            // Softmax over the last axis: opset 13's default; before it, axis 1 of 2-d inputs (the only fused case).
            case "Softmax", "LogSoftmax" -> a.i("axis", opset >= 13 ? -1 : 1) == -1 || (opset < 13 && a.i("axis", 1) == 1)
                    ? name(n.getOpType()) : null;
            default -> null;
        };
        return a.unsupported().isEmpty() ? name : null;
    }

    /** Neurite's name of a leaky ReLU: Keras' default slope 0.3 by its plain name. */
    static String leaky(float alpha) {
        return alpha == 0.3f ? "leaky_relu" : "leaky_relu:" + alpha;
    }

    /** A standalone activation node as an Activation layer. */
    static void activationLayer(Step s) {
        Dyn x = s.dynamic(0);
        if (s.op().endsWith("Softmax")) {
            int axis = Step.axis(s.attrs.i("axis", s.opset() >= 13 ? -1 : 1), x.rank(), "axis");
            s.require(axis == x.rank() - 1 && (s.opset() >= 13 || axis == 1),
                    name(s.op()) + " over axis " + axis + " of " + x.describe() + " is not supported (only the last axis)");
        }
        String f = s.op().equals("LeakyRelu") ? leaky(s.attrs.f("alpha", 0.01f)) : name(s.op());
        s.emit(new Activation(f), x.shape, s.node(0));
    }

    /** Neurite's activation name for an ONNX op without attributes: Relu is relu, LogSoftmax log_softmax. */
    private static String name(String op) {
        return op.equals("LogSoftmax") ? "log_softmax" : op.toLowerCase(Locale.ROOT);
    }

    private static void place(Step s, Layer l, Fused f, int[] shape, Node in) {
        s.graph.define(f.output, new Dyn(s.graph.place(l, s.layerName(), in), shape));
    }

    static final List<String> ACTIVATIONS = List.of("Relu", "Sigmoid", "Tanh", "LeakyRelu", "Softmax", "LogSoftmax");
}
