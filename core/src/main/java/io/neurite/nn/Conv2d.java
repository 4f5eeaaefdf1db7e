package io.neurite.nn;

import io.neurite.device.Window2d;
import io.neurite.tensor.NeuralOps;
import io.neurite.tensor.Tensor;

/**
 * 2-d convolution over [channels, height, width] samples. Filters are [filters, channels, kh, kw]
 * (PyTorch's layout; Keras stores [kh, kw, channels, filters]: transpose (3, 2, 0, 1) to move
 * weights across). Padding is Keras' {@code valid} (default), {@code same} or {@code full}.
 *
 * <pre>{@code new Conv2d(6, 5).padding("same").activation("relu")}</pre>
 */
public final class Conv2d extends Layer {
    private final int filters, kernelH, kernelW;
    private int strideH = 1, strideW = 1;
    private String padding = "valid";
    private String activation = "linear";
    private boolean useBias = true;
    private Initializer kernelInit = Initializer.glorotUniform();
    private float l1, l2;
    private Parameter kernel, bias;
    private Window2d window;

    public Conv2d(int filters, int kernel) {
        this(filters, kernel, kernel);
    }

    public Conv2d(int filters, int kernelH, int kernelW) {
        if (filters < 1 || kernelH < 1 || kernelW < 1) {
            throw new IllegalArgumentException("Conv2d needs positive filters and kernel, got " + filters + ", " + kernelH + "x" + kernelW);
        }
        this.filters = filters;
        this.kernelH = kernelH;
        this.kernelW = kernelW;
    }

    public Conv2d strides(int s) {
        return strides(s, s);
    }

    public Conv2d strides(int sh, int sw) {
        strideH = sh;
        strideW = sw;
        return this;
    }

    public Conv2d padding(String p) {
        padding = p;
        return this;
    }

    public Conv2d activation(String a) {
        activation = Activation.check(a);
        return this;
    }

    public Conv2d useBias(boolean b) {
        useBias = b;
        return this;
    }

    public Conv2d kernelInitializer(Initializer i) {
        kernelInit = i;
        return this;
    }

    public Conv2d regularize(float l1, float l2) {
        this.l1 = l1;
        this.l2 = l2;
        return this;
    }

    @Override
    public String type() {
        return "Conv2d(" + filters + ", " + kernelH + "x" + kernelW + ", " + padding + (activation.equals("linear") ? "" : ", " + activation) + ")";
    }

    @Override
    protected int[] init(int[][] inputShapes) {
        int[] s = single("Conv2d", inputShapes);
        rank("Conv2d", s, 3, "[channels, height, width]");
        window = Window2d.keras(padding, s[1], s[2], kernelH, kernelW, strideH, strideW);
        int fanIn = s[0] * kernelH * kernelW, fanOut = filters * kernelH * kernelW;
        kernel = addParameter("kernel", new int[] {filters, s[0], kernelH, kernelW}, kernelInit, fanIn, fanOut, true);
        kernel.regularize(l1, l2);
        if (useBias) bias = addParameter("bias", new int[] {filters, 1, 1}, Initializer.zeros(), fanIn, fanOut, true);
        return new int[] {filters, window.outH(), window.outW()};
    }

    @Override
    public Tensor forward(Tensor[] inputs, Mode mode) {
        Tensor y = NeuralOps.conv2d(inputs[0], kernel.value(), window);
        if (bias != null) y = y.add(bias.value());
        return Activation.apply(activation, y);
    }
}
