package io.neurite.device;

/**
 * A 2-d convolution (cross-correlation, as in Keras and PyTorch) over NCHW input [n, c, h, w]
 * with filters [filters, c, kernelH, kernelW] giving [n, filters, outH, outW]. Bias is added
 * separately with {@link Kernels#binary}.
 */
public record Conv2dSpec(int n, int c, int h, int w, int filters, Window2d window) {
    public Conv2dSpec {
        if (n < 0 || c < 1 || h < 1 || w < 1 || filters < 1) {
            throw new IllegalArgumentException("bad conv2d shape: input [" + n + ", " + c + ", " + h + ", " + w
                    + "], " + filters + " filters");
        }
    }

    public long inputLength() {
        return (long) n * c * h * w;
    }

    public long filterLength() {
        return (long) filters * c * window.kernelH() * window.kernelW();
    }

    public long outputLength() {
        return (long) n * filters * window.outH() * window.outW();
    }

    /** Multiply-adds of the forward pass times two. */
    public double flops() {
        return 2.0 * outputLength() * c * window.kernelH() * window.kernelW();
    }
}
