package io.neurite.onnx;

import io.neurite.nn.Layer;
import io.neurite.nn.Node;
import io.neurite.onnx.Values.Const;
import io.neurite.onnx.Values.Dyn;
import io.neurite.onnx.Values.Refused;
import io.neurite.onnx.Values.Value;
import java.io.IOException;
import java.util.Arrays;
import onnx.Onnx.NodeProto;

/** One ONNX node being converted: its inputs' values, its attributes, and where its outputs go. */
final class Step {
    final NodeProto node;
    final Attributes attrs;
    final GraphImport graph;

    Step(NodeProto node, GraphImport graph) {
        this.node = node;
        this.graph = graph;
        attrs = new Attributes(node);
    }

    String op() {
        return node.getOpType();
    }

    int opset() {
        return graph.opset;
    }

    int inputs() {
        return node.getInputCount();
    }

    boolean has(int i) {
        return i < node.getInputCount() && !node.getInput(i).isEmpty();
    }

    /** Input i's value, or null where it is left out. */
    Value in(int i) {
        return has(i) ? graph.value(node.getInput(i)) : null;
    }

    Const constant(int i, String what) {
        Value v = in(i);
        if (v instanceof Const c) return c;
        throw new Refused(what + " (input " + i + ") must be a constant (an initialiser or computed from constants)" + (v == null ? ", and is missing" : ""));
    }

    Dyn dynamic(int i) {
        Value v = in(i);
        if (v instanceof Dyn d) return d;
        if (v == null) throw new Refused("input " + i + " is missing");
        throw new Refused("input " + i + " ('" + node.getInput(i) + "') " + (v instanceof Const ? "is a constant; only a value computed from the model's input is supported here"
                : "is not a batch-major tensor here (a recurrent op's raw output or a time-major transpose)"));
    }

    /** Input i as a Neurite node with ONNX's shape. */
    Node node(int i) {
        return graph.need(dynamic(i));
    }

    void out(int i, Value v) {
        if (i < node.getOutputCount() && !node.getOutput(i).isEmpty()) graph.define(node.getOutput(i), v);
    }

    String output(int i) {
        return node.getOutput(i);
    }

    /**
     * The name for the layer this node becomes: the node's name without a trailing "/OpType", so
     * that PyTorch's {@code /conv1/Conv} is {@code conv1} and Neurite's own {@code dense_1/MatMul}
     * is {@code dense_1}; an unnamed node's first output.
     */
    String layerName() {
        String n = node.getName(), suffix = "/" + op();
        if (n.isEmpty()) return node.getOutputList().stream().filter(o -> !o.isEmpty()).findFirst().orElse("layer");
        return n.endsWith(suffix) && n.length() > suffix.length() ? n.substring(0, n.length() - suffix.length()) : n;
    }

    /** Places a layer named after this node and returns its value with the given per-sample shape. */
    Dyn place(Layer l, int[] shape, Node... in) {
        return new Dyn(graph.place(l, layerName(), in), shape);
    }

    /** Places a layer and defines output 0 as it. */
    void emit(Layer l, int[] shape, Node... in) {
        out(0, place(l, shape, in));
    }

    void require(boolean ok, String what) {
        if (!ok) throw new Refused(what);
    }

    /** An attribute that must have its default (what Neurite does) or be absent. */
    void requireDefault(String name, long def) {
        long v = attrs.i(name, def);
        require(v == def, "attribute " + name + "=" + v + " is not supported (only " + def + ")");
    }

    /** Integer constant input i (opset 13's axes, a shape), or the attribute for earlier opsets. */
    long[] ints(int i, String attribute, long[] def) throws IOException {
        if (has(i)) return constant(i, attribute).longs();
        return attrs.ints(attribute, def);
    }

    static int axis(long axis, int rank, String what) {
        long a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) throw new Refused(what + " " + axis + " is outside a tensor of rank " + rank);
        return (int) a;
    }

    static String shape(int[] s) {
        return Arrays.toString(s);
    }
}
