package io.neurite.device;

/**
 * The sliding window of a convolution or pooling over NCHW images: kernel size, stride and the
 * padding before the first row and column, per axis. The output size is explicit, so padding
 * after the last row or column may differ from the padding before it (Keras' {@code same} with an
 * even kernel pads one more at the end).
 */
public record Window2d(int kernelH, int kernelW, int strideH, int strideW,
                       int padTop, int padLeft, int outH, int outW) {
    public Window2d {
        if (kernelH < 1 || kernelW < 1 || strideH < 1 || strideW < 1 || padTop < 0 || padLeft < 0
                || outH < 0 || outW < 0) {
            throw new IllegalArgumentException("bad window: kernel " + kernelH + "x" + kernelW + ", stride "
                    + strideH + "x" + strideW + ", padding " + padTop + "," + padLeft + ", output " + outH + "x" + outW);
        }
    }

    /** A window with symmetric padding ({@code padH} rows above and below); the output size follows. */
    public static Window2d of(int h, int w, int kernelH, int kernelW, int strideH, int strideW, int padH, int padW) {
        int outH = Math.floorDiv(h + 2 * padH - kernelH, strideH) + 1;
        int outW = Math.floorDiv(w + 2 * padW - kernelW, strideW) + 1;
        if (outH < 1 || outW < 1) {
            throw new IllegalArgumentException("window " + kernelH + "x" + kernelW + " with padding " + padH + ","
                    + padW + " does not fit a " + h + "x" + w + " image");
        }
        return new Window2d(kernelH, kernelW, strideH, strideW, padH, padW, outH, outW);
    }

    /** Keras' padding modes: {@code valid} (none), {@code same} (output = ceil(in/stride)) and {@code full}. */
    public static Window2d keras(String padding, int h, int w, int kernelH, int kernelW, int strideH, int strideW) {
        return switch (padding) {
            case "valid" -> of(h, w, kernelH, kernelW, strideH, strideW, 0, 0);
            case "full" -> of(h, w, kernelH, kernelW, strideH, strideW, kernelH - 1, kernelW - 1);
            case "same" -> {
                int outH = (h + strideH - 1) / strideH, outW = (w + strideW - 1) / strideW;
                int padH = Math.max(0, (outH - 1) * strideH + kernelH - h);
                int padW = Math.max(0, (outW - 1) * strideW + kernelW - w);
                yield new Window2d(kernelH, kernelW, strideH, strideW, padH / 2, padW / 2, outH, outW);
            }
            default -> throw new IllegalArgumentException("padding must be valid, same or full, not '" + padding + "'");
        };
    }
}
