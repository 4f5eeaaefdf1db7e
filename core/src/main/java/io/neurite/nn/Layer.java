package io.neurite.nn;

import io.neurite.device.Device;
import io.neurite.tensor.Scope;
import io.neurite.tensor.Tensor;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A layer: shapes are per sample (no batch axis), images are [channels, height, width].
 * {@link #build} creates the weights once the input shapes are known; {@link #forward} computes
 * the output of a batch. Layers are used once in a model; calling one on a {@link Node} places it
 * in a functional graph.
 */
public abstract class Layer implements AutoCloseable {
    private final List<Parameter> parameters = new ArrayList<>();
    private String name;
    private int[] outputShape;
    private Device device;
    private SplittableRandom random;
    /** SplitMix64 state of the draws made while running (dropout masks); a checkpoint saves it for exact resume. */
    private long generator;

    /** The layer's name in the model, e.g. {@code conv2d_1}. */
    public String name() {
        return name;
    }

    void name(String n) {
        name = n;
    }

    /**
     * Names the layer before it joins a model (default: its class in lower case and a count,
     * e.g. {@code dense_2}). Weights are named {@code NAME/kernel} etc. in checkpoints.
     */
    public final Layer named(String n) {
        if (n == null || n.isEmpty() || !n.matches("[A-Za-z0-9_.-]+")) {
            throw new IllegalArgumentException("a layer name is letters, digits, '_', '.' or '-', got '" + n + "'");
        }
        name = n;
        return this;
    }

    /**
     * The settings that rebuild this layer, written to a model's JSON (Keras' {@code get_config}).
     * By default: every instance field of the layer's class and its superclasses below Layer that
     * is a primitive, a String or an int[] (weights, initialisers and derived objects are left
     * out), keyed by its name in snake_case ({@code useBias} is {@code use_bias}). A field that
     * init computes from the input shapes is not a setting: declare it {@code transient}. Override
     * to choose other keys; either way the factory registered for the layer in
     * {@code io.neurite.checkpoint.LayerRegistry} must rebuild a layer that gives the same config back.
     */
    public Map<String, Object> config() {
        Map<String, Object> c = new LinkedHashMap<>();
        for (Class<?> k = getClass(); k != Layer.class; k = k.getSuperclass()) {
            for (Field f : k.getDeclaredFields()) {
                int m = f.getModifiers();
                Class<?> t = f.getType();
                if (Modifier.isStatic(m) || Modifier.isTransient(m) || f.isSynthetic()
                        || !(t.isPrimitive() || t == String.class || t == int[].class)) {
                    continue;
                }
                try {
                    f.setAccessible(true);
                    Object v = f.get(this);
                    if (v != null) c.putIfAbsent(snakeCase(f.getName()), v instanceof int[] a ? a.clone() : v);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    throw new IllegalStateException(getClass().getName() + " does not open its fields to Layer.config(): override config()", e);
                }
            }
        }
        return c;
    }

    private static String snakeCase(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
    }

    /** What the summary shows as its type. */
    public String type() {
        return getClass().getSimpleName();
    }

    /** Places this layer in a functional graph, fed by the given nodes. */
    public Node call(Node... inputs) {
        return new Node(this, List.of(inputs));
    }

    /** Creates the weights for these input shapes on device; returns the output shape. */
    final int[] build(Device device, long seed, int[][] inputShapes) {
        this.device = device;
        this.random = new SplittableRandom(seed);
        // SplittableRandom is SplitMix64 too: started from the bare seed, dropout masks would repeat the initial weights' draws.
        this.generator = seed ^ 0x5DEECE66DL;
        outputShape = init(inputShapes);
        return outputShape.clone();
    }

    /** Checks the input shapes, creates parameters with {@link #addParameter} and returns the output shape. */
    protected abstract int[] init(int[][] inputShapes);

    /** The output of a batch (axis 0 is the batch) of each input. */
    public abstract Tensor forward(Tensor[] inputs, Mode mode);

    protected final Parameter addParameter(String suffix, int[] shape, Initializer init, int fanIn, int fanOut, boolean trainable) {
        float[] v = new float[(int) Checks.elements(type(), "weight " + suffix, shape)];
        init.fill(v, fanIn, fanOut, random);
        Parameter p = new Parameter(name + "/" + suffix, Scope.untracked(() -> Tensor.of(device, v, shape)), trainable);
        parameters.add(p);
        return p;
    }

    protected final Device device() {
        return device;
    }

    /** A seed drawn from the layer's generator (for dropout masks): SplitMix64, so its whole state is one long. */
    protected final long nextSeed() {
        long z = generator += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The state of the generator behind {@link #nextSeed}, which a checkpoint saves so that a resumed run draws the same masks. */
    public final long generatorState() {
        return generator;
    }

    /** Restores {@link #generatorState()}. */
    public final void generatorState(long state) {
        generator = state;
    }

    public List<Parameter> parameters() {
        return List.copyOf(parameters);
    }

    public int[] outputShape() {
        return outputShape == null ? null : outputShape.clone();
    }

    public long parameterCount() {
        long n = 0;
        for (Parameter p : parameters) n += p.value().size();
        return n;
    }

    static int[] single(String layer, int[][] inputShapes) {
        if (inputShapes.length != 1) {
            throw new IllegalArgumentException(layer + " takes one input, got " + inputShapes.length + ": " + Arrays.deepToString(inputShapes));
        }
        return inputShapes[0];
    }

    static void rank(String layer, int[] shape, int rank, String what) {
        if (shape.length != rank) {
            throw new IllegalArgumentException(layer + " expects " + what + " per sample (rank " + rank + "), got shape "
                    + Arrays.toString(shape));
        }
    }

    @Override
    public void close() {
        for (Parameter p : parameters) p.value().close();
    }

    /** Frees the weights and forgets them, so that a failed build leaves the layer as it was before. */
    final void unbuild() {
        close();
        parameters.clear();
        outputShape = null;
        device = null;
    }
}
