package io.neurite.onnx;

import io.neurite.nn.Input;
import io.neurite.nn.Layer;
import io.neurite.nn.Model;
import io.neurite.nn.Node;
import io.neurite.nn.Parameter;
import io.neurite.nn.Reshape;
import io.neurite.onnx.Values.Broken;
import io.neurite.onnx.Values.Const;
import io.neurite.onnx.Values.Dyn;
import io.neurite.onnx.Values.Refused;
import io.neurite.onnx.Values.Value;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import onnx.Onnx.GraphProto;
import onnx.Onnx.NodeProto;

/**
 * Converts an ONNX graph to a Neurite functional graph, node by node in the file's (topological)
 * order, collecting every problem rather than stopping at the first. Layers are made but not
 * built: their weights are recorded as loaders, read from the file only once the whole graph
 * is known to import.
 */
final class GraphImport {
    interface Loader {
        float[] get() throws IOException;
    }

    private record Weight(Layer layer, String suffix, Loader loader) {
    }

    final int opset;
    final String file;
    private final GraphProto graph;
    private final Map<String, Value> values = new HashMap<>();
    private final Map<String, List<NodeProto>> consumers = new HashMap<>();
    private final Set<String> graphOutputs = new HashSet<>();
    private final Set<NodeProto> fused = Collections.newSetFromMap(new IdentityHashMap<>());
    private final List<Weight> weights = new ArrayList<>();
    private final Set<String> names = new HashSet<>();
    final List<Problem> problems = new ArrayList<>();
    private Node input;
    /** The graph input's batch size where the file fixes it (a Reshape's target may then name it), else -1. */
    long staticBatch = -1;

    GraphImport(String file, GraphProto graph, Map<String, TensorData> initialisers, int opset) {
        this.file = file;
        this.graph = graph;
        this.opset = opset;
        initialisers.forEach((k, t) -> values.put(k, new Const(t)));
        for (NodeProto n : graph.getNodeList()) for (String i : n.getInputList()) consumers.computeIfAbsent(i, k -> new ArrayList<>()).add(n);
        graph.getOutputList().forEach(o -> graphOutputs.add(o.getName()));
    }

    /** The unbuilt model, or an OnnxException listing every problem. */
    Model convert(String inputName, int[] inputShape) throws OnnxException {
        Layer in = Input.of(inputShape).layer();
        input = place(in, inputName);
        values.put(inputName, new Dyn(input, inputShape));
        // Converters fuse a node's consumers (Add after MatMul, an activation) by their output 0, so a
        // node without one is refused before any converter looks at it.
        for (NodeProto n : graph.getNodeList()) {
            if (n.getOutputList().stream().allMatch(String::isEmpty) || !recurrent(n) && n.getOutput(0).isEmpty()) {
                problems.add(new Problem(nodeName(n), n.getOpType(), "its output is missing"));
            }
        }
        if (!problems.isEmpty()) throw new OnnxException(file, problems);
        for (NodeProto n : graph.getNodeList()) if (!fused.contains(n)) convert(n);
        Node out = null;
        if (graph.getOutputCount() != 1) {
            problems.add(new Problem(null, null, "the graph has " + graph.getOutputCount() + " outputs; a Neurite model has one"));
        } else if (values.get(graph.getOutput(0).getName()) instanceof Dyn d) {
            out = need(d);
        } else if (!(values.get(graph.getOutput(0).getName()) instanceof Broken)) {
            problems.add(new Problem(null, null, "the output '" + graph.getOutput(0).getName() + "' is not computed from the input"));
        }
        if (!problems.isEmpty()) throw new OnnxException(file, problems);
        try {
            return new Model(input, out).origin(file);
        } catch (IllegalArgumentException e) {
            throw new OnnxException(file + ": " + e.getMessage(), e);
        }
    }

    private void convert(NodeProto n) {
        String name = nodeName(n);
        Converter c = Ops.find(n.getOpType());
        if (!n.getDomain().isEmpty() && !n.getDomain().equals("ai.onnx")) {
            fail(n, name, "domain '" + n.getDomain() + "' is not supported (only ONNX's own operators)");
            return;
        }
        if (c == null) {
            fail(n, name, "op type " + n.getOpType() + " is not supported");
            return;
        }
        for (String i : n.getInputList()) {
            if (i.isEmpty()) continue;
            Value v = values.get(i);
            if (v instanceof Broken) {
                fail(n, null, null);
                return;
            }
            if (v == null) {
                fail(n, name, "input '" + i + "' is computed by no earlier node");
                return;
            }
        }
        Step s = new Step(n, this);
        try {
            c.convert(s);
            List<String> attrs = s.attrs.unsupported();
            if (!attrs.isEmpty()) fail(n, name, String.join(", ", attrs));
        } catch (Refused | IllegalArgumentException | ArithmeticException e) {
            fail(n, name, e.getMessage());
        } catch (IOException e) {
            fail(n, name, "reading its constants: " + e.getMessage());
        }
    }

    private static String nodeName(NodeProto n) {
        return n.getName().isEmpty() ? n.getOutputList().stream().filter(o -> !o.isEmpty()).findFirst().orElse("") : n.getName();
    }

    /** A recurrent op may leave Y out (""); every other op defines its output 0, which converters name layers after. */
    private static boolean recurrent(NodeProto n) {
        return n.getOpType().equals("LSTM") || n.getOpType().equals("GRU") || n.getOpType().equals("RNN");
    }

    /** Records a problem (unless what is null: an input already broken) and breaks the node's outputs. */
    private void fail(NodeProto n, String name, String what) {
        if (what != null) problems.add(new Problem(name, n.getOpType(), what));
        for (String o : n.getOutputList()) if (!o.isEmpty()) values.put(o, new Broken());
    }

    Value value(String name) {
        return values.get(name);
    }

    void define(String name, Value v) {
        values.put(name, v);
    }

    /** The one node that reads this value, when it is not also a graph output; else null. */
    NodeProto soleConsumer(String value) {
        List<NodeProto> c = consumers.getOrDefault(value, List.of());
        return c.size() == 1 && !graphOutputs.contains(value) ? c.getFirst() : null;
    }

    /** Whether any node or the graph's output reads this value. */
    boolean used(String value) {
        return !value.isEmpty() && (consumers.containsKey(value) || graphOutputs.contains(value));
    }

    /** Marks a consumer as converted together with its producer (an activation after a Conv). */
    void fuse(NodeProto consumer) {
        fused.add(consumer);
    }

    /** Names a layer after an ONNX node or value (made a valid, unused layer name) and places it on the inputs. */
    Node place(Layer l, String valueName, Node... in) {
        String base = valueName.replaceAll("^[/:]+", "").replaceAll("[^A-Za-z0-9_.-]+", "_");
        if (base.isEmpty() || base.equals("_")) base = "layer";
        String n = base;
        for (int i = 2; !names.add(n); i++) n = base + "_" + i;
        l.named(n);
        return l.call(in);
    }

    /** The value as a node of ONNX's shape: a Reshape is placed once where Neurite's own shape differs. */
    Node need(Dyn d) {
        if (Arrays.equals(d.shape, d.real)) return d.node;
        if (d.reshaped == null) d.reshaped = place(new Reshape(d.shape), d.node.layer().name() + "_reshape", d.node);
        return d.reshaped;
    }

    /** A weight to load after the build: the loader gives its values in Neurite's layout. */
    void weight(Layer l, String suffix, Loader loader) {
        weights.add(new Weight(l, suffix, loader));
    }

    /** Loads every weight into the built model. */
    void load() throws IOException {
        for (Weight w : weights) {
            Parameter p = null;
            for (Parameter q : w.layer.parameters()) if (q.name().endsWith("/" + w.suffix)) p = q;
            if (p == null) throw new IllegalStateException(w.layer.name() + " has no weight " + w.suffix);
            float[] v = w.loader.get();
            if (v.length != p.value().size()) {
                throw new OnnxException(file + ": " + p.name() + " needs " + p.value().size() + " values, the file gives " + v.length);
            }
            p.value().buffer().copyFrom(v, 0, 0, v.length);
        }
    }
}
