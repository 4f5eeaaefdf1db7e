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
        settings(h, w, kernelH, kernelW, strideH, strideW);
        if (padH < 0 || padW < 0) throw new IllegalArgumentException("padding must be at least 0, got " + padH + "," + padW);
        long outH = Math.floorDiv((long) h + 2L * padH - kernelH, strideH) + 1;
        long outW = Math.floorDiv((long) w + 2L * padW - kernelW, strideW) + 1;
        if (outH < 1 || outW < 1) {
            throw new IllegalArgumentException("a " + kernelH + "x" + kernelW + " window with padding " + padH + "," + padW
                    + " needs an image of at least " + Math.max(1, kernelH - 2L * padH) + "x" + Math.max(1, kernelW - 2L * padW)
                    + " (height x width), got " + h + "x" + w);
        }
        return new Window2d(kernelH, kernelW, strideH, strideW, padH, padW, fit(outH), fit(outW));
    }

    /** Keras' padding modes: {@code valid} (none), {@code same} (output = ceil(in/stride)) and {@code full}. */
    public static Window2d keras(String padding, int h, int w, int kernelH, int kernelW, int strideH, int strideW) {
        settings(h, w, kernelH, kernelW, strideH, strideW);
        return switch (padding) {
            case "valid" -> of(h, w, kernelH, kernelW, strideH, strideW, 0, 0);
            case "full" -> of(h, w, kernelH, kernelW, strideH, strideW, kernelH - 1, kernelW - 1);
            case "same" -> {
                long outH = ((long) h + strideH - 1) / strideH, outW = ((long) w + strideW - 1) / strideW;
                long padH = Math.max(0, (outH - 1) * strideH + kernelH - h);
                long padW = Math.max(0, (outW - 1) * strideW + kernelW - w);
                yield new Window2d(kernelH, kernelW, strideH, strideW, fit(padH / 2), fit(padW / 2), fit(outH), fit(outW));
            }
            case null, default -> throw new IllegalArgumentException("padding must be valid, same or full, not '" + padding + "'");
        };
    }

    /** Refuses an image, kernel or stride of less than 1 (a stride of 0 would divide by zero). */
    private static void settings(int h, int w, int kernelH, int kernelW, int strideH, int strideW) {
        if (h < 1 || w < 1 || kernelH < 1 || kernelW < 1 || strideH < 1 || strideW < 1) {
            throw new IllegalArgumentException("image " + h + "x" + w + ", kernel " + kernelH + "x" + kernelW + " and stride "
                    + strideH + "x" + strideW + " must all be at least 1");
        }
    }

    private static int fit(long v) {
        if (v > Integer.MAX_VALUE) throw new IllegalArgumentException("a window's output or padding of " + v + " does not fit an int");
        return (int) v;
    }
}
