package io.neurite.nn;

import io.neurite.device.Device;
import io.neurite.tensor.GradMode;
import io.neurite.tensor.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A network of layers: a functional graph from one {@link Input} to one output node. Build it on
 * a device with a seed, then train it with a {@code Trainer} (Keras' compile and fit; in
 * {@code io.neurite.train}, which builds on this package) and save it with {@code Checkpoint}
 * ({@code io.neurite.checkpoint}: {@code Checkpoint.saveWeights(model, file)} and the rest).
 *
 * <pre>{@code
 * Node in = Input.of(1, 28, 28);
 * Node x = new Conv2d(6, 5).padding("same").activation("relu").call(in);
 * Model model = new Model(in, new Dense(10).call(new Flatten().call(x)));
 * model.build(Devices.best(), 42);
 * System.out.println(model.summary());
 * }</pre>
 */
public class Model implements AutoCloseable {
    private final Node input;
    private final Node output;
    private final List<Node> order;
    private final Map<Node, int[]> shapes = new IdentityHashMap<>();
    private Device device;
    private String origin;

    public Model(Node input, Node output) {
        if (!(input.layer() instanceof Input)) throw new IllegalArgumentException("a model starts at an Input.of(...) node");
        this.input = input;
        this.output = output;
        this.order = topological(output);
        if (!order.contains(input)) throw new IllegalArgumentException("the output does not depend on the model's input");
        nameLayers();
    }

    private static List<Node> topological(Node out) {
        List<Node> order = new ArrayList<>();
        Set<Node> done = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        visit(out, done, new LinkedHashSet<>(), order);
        return order;
    }

    private static void visit(Node n, Set<Node> done, Set<Node> path, List<Node> order) {
        if (done.contains(n)) return;
        if (!path.add(n)) throw new IllegalArgumentException("the graph has a cycle through " + n.layer().type());
        for (Node i : n.inputs()) visit(i, done, path, order);
        path.remove(n);
        done.add(n);
        order.add(n);
    }

    private void nameLayers() {
        Map<String, Integer> counts = new HashMap<>();
        Set<Layer> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        Set<String> taken = new java.util.HashSet<>();
        for (Node n : order) {
            if (!seen.add(n.layer())) throw new IllegalArgumentException(n.layer().type() + " is used twice; create a layer per use");
            // Weights are saved by layer name, so two layers of one name would make a checkpoint ambiguous.
            if (n.layer().name() != null && !taken.add(n.layer().name())) {
                throw new IllegalArgumentException("two layers are named '" + n.layer().name() + "'");
            }
        }
        for (Node n : order) {
            if (n.layer().name() == null) {
                String base = n.layer().getClass().getSimpleName().toLowerCase();
                String name;
                do name = base + "_" + counts.merge(base, 1, Integer::sum); while (!taken.add(name));
                n.layer().name(name);
            }
        }
    }

    /** Creates every weight on device, seeded: the same seed gives the same initial weights. Returns this. */
    public Model build(Device device, long seed) {
        if (this.device != null) throw new IllegalStateException("model already built on " + this.device.id());
        long layerSeed = seed;
        for (Node n : order) {
            int[][] in = new int[n.inputs().size()][];
            for (int i = 0; i < in.length; i++) in[i] = shapes.get(n.inputs().get(i));
            layerSeed = layerSeed * 6364136223846793005L + 1442695040888963407L;
            try {
                int[] out = n.layer().build(device, layerSeed, in);
                if (n != input) Checks.output(n.layer().type(), in, out);
                shapes.put(n, out);
            } catch (IllegalArgumentException | io.neurite.device.DeviceException e) {
                // Nothing half-built: the weights made so far are freed, and the model can be built again.
                for (Node m : order) m.layer().unbuild();
                shapes.clear();
                String msg = (origin == null ? "" : origin + ": ") + n.layer().name() + ": " + e.getMessage();
                throw e instanceof IllegalArgumentException ? new IllegalArgumentException(msg, e) : new io.neurite.device.DeviceException(msg, e);
            }
        }
        this.device = device;
        return this;
    }

    /** Names where the model came from (its file) in the errors of {@link #build}; {@code ModelJson} sets it. Returns this. */
    public Model origin(String source) {
        origin = source;
        return this;
    }

    public Device device() {
        requireBuilt();
        return device;
    }

    private void requireBuilt() {
        if (device == null) throw new IllegalStateException("build(device, seed) the model first");
    }

    /** The output for a batch x [n, input shape...]; {@link Mode#TRAINING} switches dropout and batch statistics on. */
    public Tensor forward(Tensor x, Mode mode) {
        return run(x, mode, List.of()).output();
    }

    /**
     * The output and, from the same pass, the output of each named layer: a convolution's feature
     * maps for Grad-CAM or a picture. With grad mode on, each such tensor {@link Tensor#retainGrad
     * retains its gradient}, so after {@code backward()} its {@code grad()} is d loss / d it.
     *
     * <pre>{@code
     * Model.Outputs o = model.forward(x, Mode.INFERENCE, "conv2d_2");
     * Tensor maps = o.layer("conv2d_2");    // [n, 16, 10, 10] for LeNet-5
     * }</pre>
     *
     * @throws IllegalArgumentException for a name that is not a layer of this model
     */
    public Outputs forward(Tensor x, Mode mode, String... layerNames) {
        List<Node> taps = new ArrayList<>();
        for (String name : layerNames) taps.add(node(name));
        return run(x, mode, taps);
    }

    /** The model's output and the outputs of the layers asked for, by name, in the order asked. */
    public record Outputs(Tensor output, Map<String, Tensor> layers) {
        public Outputs {
            layers = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(layers));
        }

        /** The output of the named layer. */
        public Tensor layer(String name) {
            Tensor t = layers.get(name);
            if (t == null) throw new IllegalArgumentException("'" + name + "' was not asked for; asked: " + layers.keySet());
            return t;
        }
    }

    /** The node of the named layer. */
    public Node node(String layerName) {
        for (Node n : order) if (n.layer().name().equals(layerName)) return n;
        throw new IllegalArgumentException("no layer named '" + layerName + "'; the layers are "
                + String.join(", ", order.stream().map(n -> n.layer().name()).toList()));
    }

    private Outputs run(Tensor x, Mode mode, List<Node> taps) {
        requireBuilt();
        int[] want = inputShape(), got = x.shape();
        if (got.length != want.length + 1 || !java.util.Arrays.equals(java.util.Arrays.copyOfRange(got, 1, got.length), want)) {
            throw new IllegalArgumentException("model input is [batch, " + java.util.Arrays.toString(want).substring(1)
                    + ", got " + java.util.Arrays.toString(got));
        }
        Map<Node, Tensor> values = new IdentityHashMap<>();
        values.put(input, x);
        for (Node n : order) {
            if (n == input) continue;
            Tensor[] in = new Tensor[n.inputs().size()];
            for (int i = 0; i < in.length; i++) in[i] = values.get(n.inputs().get(i));
            values.put(n, n.layer().forward(in, mode));
        }
        Map<String, Tensor> tapped = new java.util.LinkedHashMap<>();
        for (Node n : taps) {
            Tensor t = values.get(n);
            if (GradMode.isEnabled()) t.retainGrad();
            tapped.put(n.layer().name(), t);
        }
        return new Outputs(values.get(output), tapped);
    }

    /** Inference on a batch, without recording gradients; the result belongs to the caller's scope. */
    public Tensor predict(Tensor x) {
        try (GradMode off = GradMode.disabled()) {
            return forward(x, Mode.INFERENCE);
        }
    }

    /** The per-sample input shape. */
    public int[] inputShape() {
        return ((Input) input.layer()).shape();
    }

    public int[] outputShape() {
        requireBuilt();
        return shapes.get(output).clone();
    }

    /** Every layer, in the order they run. */
    public List<Layer> layers() {
        List<Layer> l = new ArrayList<>();
        for (Node n : order) l.add(n.layer());
        return l;
    }

    /** The graph in the order its layers run: the input node first, the output node last. */
    public List<Node> nodes() {
        return List.copyOf(order);
    }

    /** Every weight (trainable and not), in layer order. */
    public List<Parameter> parameters() {
        List<Parameter> all = new ArrayList<>();
        for (Node n : order) all.addAll(n.layer().parameters());
        return all;
    }

    /** Keras-style table: layer, output shape, parameters, with totals. */
    public String summary() {
        requireBuilt();
        StringBuilder sb = new StringBuilder(String.format("%-22s %-34s %-18s %10s%n", "Layer", "Type", "Output shape", "Params"));
        long total = 0, trainable = 0;
        for (Node n : order) {
            Layer l = n.layer();
            long count = l.parameterCount();
            total += count;
            for (Parameter p : l.parameters()) if (p.trainable()) trainable += p.value().size();
            sb.append(String.format("%-22s %-34s %-18s %,10d%n", l.name(), l.type(), shape(shapes.get(n)), count));
        }
        sb.append(String.format("Total params: %,d (trainable %,d, non-trainable %,d)%n", total, trainable, total - trainable));
        return sb.toString();
    }

    private static String shape(int[] s) {
        StringBuilder b = new StringBuilder("(None");
        for (int d : s) b.append(", ").append(d);
        return b.append(')').toString();
    }

    /** Frees every weight. */
    @Override
    public void close() {
        for (Node n : order) n.layer().close();
    }

}
