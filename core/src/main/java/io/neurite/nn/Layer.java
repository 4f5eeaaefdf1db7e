package io.neurite.nn;

import io.neurite.device.Device;
import io.neurite.tensor.Scope;
import io.neurite.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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

    /** The layer's name in the model, e.g. {@code conv2d_1}. */
    public String name() {
        return name;
    }

    void name(String n) {
        name = n;
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
        outputShape = init(inputShapes);
        return outputShape.clone();
    }

    /** Checks the input shapes, creates parameters with {@link #addParameter} and returns the output shape. */
    protected abstract int[] init(int[][] inputShapes);

    /** The output of a batch (axis 0 is the batch) of each input. */
    public abstract Tensor forward(Tensor[] inputs, boolean training);

    protected final Parameter addParameter(String suffix, int[] shape, Initializer init, int fanIn, int fanOut, boolean trainable) {
        float[] v = new float[Math.toIntExact(Tensor.size(shape))];
        init.fill(v, fanIn, fanOut, random);
        Parameter p = new Parameter(name + "/" + suffix, Scope.untracked(() -> Tensor.of(device, v, shape)), trainable);
        parameters.add(p);
        return p;
    }

    protected final Device device() {
        return device;
    }

    /** A seed drawn from the layer's generator (for dropout masks). */
    protected final long nextSeed() {
        return random.nextLong();
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
        if (inputShapes.length != 1) throw new IllegalArgumentException(layer + " takes one input, got " + inputShapes.length);
        return inputShapes[0];
    }

    static void rank(String layer, int[] shape, int rank, String what) {
        if (shape.length != rank) {
            throw new IllegalArgumentException(layer + " expects " + what + " per sample, got shape " + Arrays.toString(shape));
        }
    }

    @Override
    public void close() {
        for (Parameter p : parameters) p.value().close();
    }
}
