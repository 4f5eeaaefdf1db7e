package io.neurite.nn;

import io.neurite.device.Window2d;

/** The shared part of {@link MaxPooling2d} and {@link AveragePooling2d}: window, strides (default: the window) and padding. */
abstract class Pooling2d<T extends Pooling2d<T>> extends Layer {
    private final int sizeH, sizeW;
    private int strideH, strideW;
    private String padding = "valid";
    protected Window2d window;

    Pooling2d(int sizeH, int sizeW) {
        this.sizeH = Checks.size(getClass().getSimpleName(), "size_h", sizeH);
        this.sizeW = Checks.size(getClass().getSimpleName(), "size_w", sizeW);
        strideH = sizeH;
        strideW = sizeW;
    }

    @SuppressWarnings("unchecked")
    public T strides(int sh, int sw) {
        strideH = Checks.size(getClass().getSimpleName(), "stride_h", sh);
        strideW = Checks.size(getClass().getSimpleName(), "stride_w", sw);
        return (T) this;
    }

    @SuppressWarnings("unchecked")
    public T padding(String p) {
        padding = Checks.padding(getClass().getSimpleName(), p);
        return (T) this;
    }

    @Override
    public String type() {
        return getClass().getSimpleName() + "(" + sizeH + "x" + sizeW + ")";
    }

    @Override
    protected int[] init(int[][] inputShapes) {
        int[] s = single(type(), inputShapes);
        window = Checks.window(type(), s, padding, sizeH, sizeW, strideH, strideW);
        return new int[] {s[0], window.outH(), window.outW()};
    }
}
