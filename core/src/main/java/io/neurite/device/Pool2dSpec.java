package io.neurite.device;

/**
 * A 2-d pooling over NCHW input [n, c, h, w] giving [n, c, outH, outW]. Padded cells never win
 * a max and are not counted by an average (Keras' convention; PyTorch's {@code count_include_pad}
 * defaults the other way).
 */
public record Pool2dSpec(int n, int c, int h, int w, Window2d window) {
    public Pool2dSpec {
        if (n < 0 || c < 1 || h < 1 || w < 1) {
            throw new IllegalArgumentException("bad pool2d shape: input [" + n + ", " + c + ", " + h + ", " + w + "]");
        }
    }

    public long inputLength() {
        return (long) n * c * h * w;
    }

    public long outputLength() {
        return (long) n * c * window.outH() * window.outW();
    }
}
