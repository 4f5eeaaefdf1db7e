package io.neurite.checkpoint;

import io.neurite.io.AtomicFiles;
import io.neurite.io.CheckpointException;
import io.neurite.io.FileErrors;
import io.neurite.io.Json;
import io.neurite.nn.Input;
import io.neurite.nn.Layer;
import io.neurite.nn.Model;
import io.neurite.nn.Node;
import io.neurite.nn.Parameter;
import io.neurite.nn.Sequential;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A model's architecture as JSON, Keras-like, beside its weights:
 *
 * <pre>{@code
 * {"format": "neurite.model", "format_version": 1, "class_name": "Sequential",
 *  "layers": [
 *    {"class_name": "Input", "name": "input_1", "config": {"shape": [1, 28, 28]}, "inbound_nodes": []},
 *    {"class_name": "Dense", "name": "dense_1", "config": {"units": 200, "activation": "sigmoid", ...},
 *     "inbound_nodes": ["flatten_1"], "weights": [{"name": "dense_1/kernel", "shape": [784, 200], "trainable": true}, ...]},
 *    ...],
 *  "output_layer": "dense_2"}
 * }</pre>
 *
 * Layers are listed in the order they run, each naming the layers that feed it; {@code config} is
 * the layer's {@link Layer#config()} and {@link LayerRegistry} rebuilds it. {@code weights} (from
 * a built model) documents the tensor names and shapes of the weights file, for people and other
 * tools; reading ignores it. Initialisers are not part of the JSON: the weights come from the
 * weights file.
 */
public final class ModelJson {
    static final String FORMAT = "neurite.model";
    static final long VERSION = 1;

    private ModelJson() {
    }

    /** The model's JSON. Refuses a model with a layer class that {@link LayerRegistry} cannot rebuild. */
    public static String toJson(Model model) {
        List<Object> layers = new ArrayList<>();
        for (Node n : model.nodes()) {
            Layer l = n.layer();
            String cls = l instanceof Input ? "Input" : LayerRegistry.nameOf(l);
            if (cls == null) {
                throw new IllegalArgumentException("layer " + l.name() + " (" + l.getClass().getName() + ") is not registered with "
                        + "LayerRegistry, so a model file could not rebuild it: register a factory for it");
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("class_name", cls);
            m.put("name", l.name());
            m.put("config", l.config());
            m.put("inbound_nodes", n.inputs().stream().map(i -> i.layer().name()).toList());
            if (l.outputShape() != null && !l.parameters().isEmpty()) {
                List<Object> weights = new ArrayList<>();
                for (Parameter p : l.parameters()) {
                    weights.add(Map.of("name", p.name(), "shape", p.value().shape(), "trainable", p.trainable()));
                }
                m.put("weights", weights);
            }
            layers.add(m);
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("format", FORMAT);
        root.put("format_version", VERSION);
        root.put("class_name", model instanceof Sequential ? "Sequential" : "Model");
        root.put("layers", layers);
        root.put("output_layer", model.nodes().getLast().layer().name());
        return Json.pretty(root);
    }

    /** Writes the model's JSON through a temporary file renamed into place. */
    public static void write(Model model, Path file) throws IOException {
        String json = toJson(model);
        AtomicFiles.write(file, tmp -> Files.writeString(tmp, json));
    }

    /** Reads a model file: an unbuilt model with the saved layer names; build it, then load its weights. */
    public static Model read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new CheckpointException(file + ": no such model file");
        return fromJson(FileErrors.naming(file, () -> Files.readString(file)), file.toString());
    }

    /** Rebuilds a model from its JSON; source names the text in messages. */
    public static Model fromJson(String json, String source) throws CheckpointException {
        if (!(Json.parse(json, source, 0) instanceof Map<?, ?> root)) throw new CheckpointException(source + ": not a JSON object");
        if (!FORMAT.equals(root.get("format"))) {
            throw new CheckpointException(source + ": not a Neurite model file (\"format\" is " + Json.write(root.get("format"))
                    + ", expected \"" + FORMAT + "\")");
        }
        if (!(root.get("format_version") instanceof Long v) || v > VERSION) {
            throw new CheckpointException(source + ": format_version " + root.get("format_version") + " is not one this Neurite reads (up to " + VERSION + ")");
        }
        if (!(root.get("layers") instanceof List<?> specs) || specs.isEmpty()) throw new CheckpointException(source + ": no \"layers\" list");
        Map<String, Node> nodes = new HashMap<>();
        Node input = null, last = null;
        List<Layer> chain = new ArrayList<>();
        boolean sequential = true;
        for (Object o : specs) {
            if (!(o instanceof Map<?, ?> spec) || !(spec.get("name") instanceof String name) || !(spec.get("class_name") instanceof String cls)
                    || !(spec.get("config") instanceof Map<?, ?> config) || !(spec.get("inbound_nodes") instanceof List<?> inbound)) {
                throw new CheckpointException(source + ": layer " + (nodes.size() + 1) + " needs \"class_name\", \"name\", \"config\" and \"inbound_nodes\"");
            }
            String where = source + ": layer " + name + " (" + cls + ")";
            if (nodes.containsKey(name)) throw new CheckpointException(where + ": a second layer of this name");
            @SuppressWarnings("unchecked") Map<String, Object> saved = (Map<String, Object>) config;
            Node node;
            if (cls.equals("Input")) {
                if (input != null) throw new CheckpointException(where + ": a second Input (a model has one)");
                try {
                    node = Input.of(new LayerRegistry.Config(name, saved).ints("shape"));
                } catch (IllegalArgumentException e) {
                    throw new CheckpointException(source + ": " + e.getMessage(), e);
                }
                input = node;
            } else {
                List<Node> from = new ArrayList<>();
                for (Object i : inbound) {
                    Node n = nodes.get(String.valueOf(i));
                    if (n == null) throw new CheckpointException(where + ": inbound layer '" + i + "' is not listed before it");
                    from.add(n);
                }
                Layer layer = rebuild(where, cls, name, saved);
                sequential &= from.size() == 1 && from.getFirst() == last;
                chain.add(layer);
                node = layer.call(from.toArray(Node[]::new));
            }
            node.layer().named(name);
            nodes.put(name, node);
            last = node;
        }
        if (input == null) throw new CheckpointException(source + ": no Input layer");
        Object out = root.get("output_layer");
        if (out != null && !nodes.containsKey(String.valueOf(out))) throw new CheckpointException(source + ": output_layer '" + out + "' is not a layer");
        Node output = out == null ? last : nodes.get(String.valueOf(out));
        try {
            if ("Sequential".equals(root.get("class_name")) && sequential && output == last) {
                return new Sequential(input, chain.toArray(Layer[]::new));
            }
            return new Model(input, output);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(source + ": " + e.getMessage(), e);
        }
    }

    /** Builds one layer with its registered factory and checks that it gives its saved config back. */
    private static Layer rebuild(String where, String cls, String name, Map<String, Object> saved) throws CheckpointException {
        Function<LayerRegistry.Config, Layer> factory = LayerRegistry.factory(cls);
        if (factory == null) throw new CheckpointException(where + ": unknown layer class (known: " + LayerRegistry.known() + ")");
        Layer layer;
        try {
            layer = factory.apply(new LayerRegistry.Config(name, saved));
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(where + ": " + e.getMessage(), e);
        }
        Object rebuilt = Json.parse(Json.write(layer.config()), where, 0);
        if (!same(rebuilt, saved)) {
            throw new CheckpointException(where + ": the config " + Json.write(saved) + " rebuilds as " + Json.write(rebuilt)
                    + " (an unknown or unrestored setting)");
        }
        return layer;
    }

    /** JSON equality where numbers compare as the floats layers keep ({@code 1} and {@code 1.0}, {@code 0.1} and {@code 0.10000000149}). */
    private static boolean same(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            return x.doubleValue() == y.doubleValue() || (float) x.doubleValue() == (float) y.doubleValue();
        }
        if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
            if (!x.keySet().equals(y.keySet())) return false;
            for (Object k : x.keySet()) if (!same(x.get(k), y.get(k))) return false;
            return true;
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            if (x.size() != y.size()) return false;
            for (int i = 0; i < x.size(); i++) if (!same(x.get(i), y.get(i))) return false;
            return true;
        }
        return java.util.Objects.equals(a, b);
    }
}
