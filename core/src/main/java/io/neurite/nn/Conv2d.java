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
        this.filters = Checks.size("Conv2d", "filters", filters);
        this.kernelH = Checks.size("Conv2d", "kernel_h", kernelH);
        this.kernelW = Checks.size("Conv2d", "kernel_w", kernelW);
    }

    public Conv2d strides(int s) {
        return strides(s, s);
    }

    public Conv2d strides(int sh, int sw) {
        strideH = Checks.size("Conv2d", "stride_h", sh);
        strideW = Checks.size("Conv2d", "stride_w", sw);
        return this;
    }

    public Conv2d padding(String p) {
        padding = Checks.padding("Conv2d", p);
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
        this.l1 = Checks.nonNegative("Conv2d", "l1", l1);
        this.l2 = Checks.nonNegative("Conv2d", "l2", l2);
        return this;
    }

    @Override
    public String type() {
        return "Conv2d(" + filters + ", " + kernelH + "x" + kernelW + ", " + padding + (activation.equals("linear") ? "" : ", " + activation) + ")";
    }

    @Override
    protected int[] init(int[][] inputShapes) {
        int[] s = single("Conv2d", inputShapes);
        window = Checks.window("Conv2d", s, padding, kernelH, kernelW, strideH, strideW);
        int[] shape = {filters, s[0], kernelH, kernelW};
        Checks.elements("Conv2d", "kernel", shape); // so that the fans below fit an int
        int fanIn = s[0] * kernelH * kernelW, fanOut = filters * kernelH * kernelW;
        kernel = addParameter("kernel", shape, kernelInit, fanIn, fanOut, true);
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
