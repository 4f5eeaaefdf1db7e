package io.neurite.tensor;

import io.neurite.device.Buffer;
import io.neurite.device.DType;
import io.neurite.device.Device;
import io.neurite.device.DeviceException;
import io.neurite.device.Kernels;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * An n-dimensional array on a device, with reverse-mode automatic differentiation.
 *
 * <pre>{@code
 * Tensor w = Tensor.of(device, new float[] {1, 2, 3, 4}, 2, 2).requiresGrad();
 * try (Scope s = Scope.open()) {
 *     Tensor loss = x.matmul(w).relu().sum();
 *     loss.backward();                 // w.grad() now holds d loss / d w
 * }
 * }</pre>
 *
 * A tensor owns its buffer unless it is a view ({@link #reshape}); it belongs to the innermost
 * open {@link Scope} when created, else to the caller. Ops are in {@link TensorMath} and
 * {@link NeuralOps}; the common ones are also methods here.
 */
public final class Tensor implements AutoCloseable {
    private final Device device;
    private final int[] shape;
    private final Buffer buffer;
    private final boolean ownsBuffer;
    private boolean requiresGrad;
    private boolean retainsGrad;
    private Tensor grad;
    GradFn gradFn;
    /** For a softmax output: its input, so a loss given probabilities can use the stable fused form. */
    Tensor softmaxInput;

    Tensor(Device device, int[] shape, Buffer buffer, boolean ownsBuffer) {
        this.device = device;
        this.shape = shape.clone();
        this.buffer = buffer;
        this.ownsBuffer = ownsBuffer;
        if (buffer.length() < size(shape)) {
            throw new DeviceException("shape " + Arrays.toString(shape) + " needs " + size(shape) + " elements, " + buffer + " has fewer");
        }
        Scope.register(this);
    }

    /** A zero tensor of the given dtype and shape. */
    public static Tensor zeros(Device device, DType dtype, int... shape) {
        return new Tensor(device, shape, device.allocate(dtype, size(shape)), true);
    }

    /**
     * A float tensor with unspecified contents, for a result an op overwrites whole: a product with
     * beta 0, a convolution or pooling output or gradient (the kit starts those outputs as NaN, so
     * every backend is checked to ignore what the buffer held). Saves the zeroing pass.
     */
    static Tensor uninitialized(Device device, int... shape) {
        return new Tensor(device, shape, device.allocateUninitialized(DType.FLOAT32, size(shape)), true);
    }

    public static Tensor zeros(Device device, int... shape) {
        return zeros(device, DType.FLOAT32, shape);
    }

    /** A tensor filled with one value. */
    public static Tensor full(Device device, float value, int... shape) {
        Tensor t = zeros(device, shape);
        if (value != 0) device.ops().fill(t.buffer, value);
        return t;
    }

    public static Tensor ones(Device device, int... shape) {
        return full(device, 1, shape);
    }

    /** A float tensor holding a copy of data, which must have exactly the shape's size. */
    public static Tensor of(Device device, float[] data, int... shape) {
        checkSize(data.length, shape);
        return new Tensor(device, shape, device.upload(data), true);
    }

    /**
     * A float tensor holding a copy of the shape's size of data from offset on: a slice of a larger
     * array (a batch of consecutive samples of a dataset) without copying it out first.
     */
    public static Tensor ofRange(Device device, float[] data, int offset, int... shape) {
        long size = size(shape);
        if (offset < 0 || size > data.length - (long) offset) {
            throw new IllegalArgumentException("Tensor.ofRange: " + size + " values of shape " + java.util.Arrays.toString(shape)
                    + " from offset " + offset + " run past the end of " + data.length);
        }
        return new Tensor(device, shape, device.upload(data, offset, (int) size), true);
    }

    /** An int32 tensor (labels, indices) holding a copy of data. */
    public static Tensor of(Device device, int[] data, int... shape) {
        checkSize(data.length, shape);
        return new Tensor(device, shape, device.upload(data), true);
    }

    /** Uniform values in [lo, hi) from a seeded generator: the same seed gives the same tensor. */
    public static Tensor uniform(Device device, long seed, float lo, float hi, int... shape) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[Math.toIntExact(size(shape))];
        for (int i = 0; i < v.length; i++) v[i] = (float) (lo + (hi - lo) * r.nextDouble());
        return of(device, v, shape);
    }

    private static void checkSize(int n, int[] shape) {
        if (n != size(shape)) {
            throw new IllegalArgumentException(n + " values do not fill shape " + Arrays.toString(shape) + " (" + size(shape) + ")");
        }
    }

    /** The number of elements of a shape. */
    public static long size(int... shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
            n *= d;
        }
        return n;
    }

    public Device device() {
        return device;
    }

    public int[] shape() {
        return shape.clone();
    }

    public int dim(int axis) {
        return shape[axis < 0 ? shape.length + axis : axis];
    }

    public int rank() {
        return shape.length;
    }

    public long size() {
        return size(shape);
    }

    public DType dtype() {
        return buffer.dtype();
    }

    /** The device buffer, for code that calls {@link Kernels} directly. */
    public Buffer buffer() {
        return buffer;
    }

    Kernels ops() {
        return device.ops();
    }

    /** Copies the values to the host (float32, or int32 converted). */
    public float[] toFloatArray() {
        device.synchronize();
        if (dtype() == DType.FLOAT32) {
            float[] out = new float[Math.toIntExact(size())];
            buffer.copyTo(0, out, 0, out.length);
            return out;
        }
        int[] ints = toIntArray();
        float[] out = new float[ints.length];
        for (int i = 0; i < ints.length; i++) out[i] = ints[i];
        return out;
    }

    public int[] toIntArray() {
        device.synchronize();
        int[] all = buffer.toIntArray();
        return all.length == size() ? all : Arrays.copyOf(all, Math.toIntExact(size()));
    }

    /** The single value of a one-element tensor. */
    public float item() {
        if (size() != 1) throw new IllegalStateException("item() of a tensor of shape " + Arrays.toString(shape));
        device.synchronize();
        return buffer.get(0);
    }

    // ---- autograd ----

    /** Marks this leaf as a variable whose gradient {@link #backward()} computes. Returns this. */
    public Tensor requiresGrad() {
        requiresGrad = true;
        return this;
    }

    /**
     * Keeps the gradient of this intermediate (a tensor an op made) in {@link #grad()} when
     * {@link #backward()} passes through it, as PyTorch's {@code retain_grad}: Grad-CAM reads a
     * convolution's output gradient so. A leaf keeps its gradient anyway. Returns this.
     */
    public Tensor retainGrad() {
        retainsGrad = true;
        return this;
    }

    boolean retainsGrad() {
        return retainsGrad;
    }

    public boolean isRequiringGrad() {
        return requiresGrad;
    }

    void markRequiresGrad() {
        requiresGrad = true;
    }

    /** The gradient accumulated by {@link #backward()}, or null. */
    public Tensor grad() {
        return grad;
    }

    void setGrad(Tensor g) {
        grad = g;
    }

    /** Forgets the accumulated gradient (it is freed with the scope that made it). */
    public void zeroGrad() {
        grad = null;
    }

    /** The logits this tensor is the softmax of, or null. */
    public Tensor softmaxInput() {
        return softmaxInput;
    }

    /** Back-propagates from this scalar: every tensor it depends on that requires grad gets {@link #grad()}. */
    public void backward() {
        Autograd.backward(this);
    }

    // ---- the common ops, for fluent code ----

    public Tensor add(Tensor o) {
        return TensorMath.add(this, o);
    }

    public Tensor sub(Tensor o) {
        return TensorMath.sub(this, o);
    }

    public Tensor mul(Tensor o) {
        return TensorMath.mul(this, o);
    }

    public Tensor div(Tensor o) {
        return TensorMath.div(this, o);
    }

    public Tensor mul(float s) {
        return TensorMath.scale(this, s);
    }

    public Tensor matmul(Tensor o) {
        return TensorMath.matmul(this, o);
    }

    public Tensor sum() {
        return TensorMath.sum(this);
    }

    public Tensor mean() {
        return TensorMath.mean(this);
    }

    public Tensor relu() {
        return NeuralOps.relu(this);
    }

    public Tensor sigmoid() {
        return NeuralOps.sigmoid(this);
    }

    public Tensor tanh() {
        return NeuralOps.tanh(this);
    }

    public Tensor argmax() {
        return TensorMath.argmax(this);
    }

    /** A view with another shape of the same size (-1 infers one dimension); shares the buffer. */
    public Tensor reshape(int... newShape) {
        return TensorMath.reshape(this, newShape);
    }

    /** [n, ...] to [n, rest]. */
    public Tensor flatten() {
        return reshape(shape[0], -1);
    }

    Tensor view(int[] newShape) {
        return new Tensor(device, newShape, buffer, false);
    }

    /** Frees the buffer now (views leave it to their base). Idempotent. */
    @Override
    public void close() {
        if (ownsBuffer) buffer.close();
    }

    public boolean isClosed() {
        return buffer.isClosed();
    }

    @Override
    public String toString() {
        return "Tensor" + Arrays.toString(shape) + " " + dtype().name().toLowerCase() + " on " + device.id()
                + (gradFn != null ? " (from " + gradFn.name() + ")" : requiresGrad ? " (variable)" : "");
    }
}
