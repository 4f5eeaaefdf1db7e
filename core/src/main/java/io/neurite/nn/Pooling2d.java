package io.neurite.nn;

import io.neurite.device.Window2d;

/** The shared part of {@link MaxPooling2d} and {@link AveragePooling2d}: window, strides (default: the window) and padding. */
abstract class Pooling2d<T extends Pooling2d<T>> extends Layer {
    private final int sizeH, sizeW;
    private int strideH, strideW;
    private String padding = "valid";
    protected Window2d window;

    Pooling2d(int sizeH, int sizeW) {
        if (sizeH < 1 || sizeW < 1) throw new IllegalArgumentException("pool size must be positive, got " + sizeH + "x" + sizeW);
        this.sizeH = sizeH;
        this.sizeW = sizeW;
        strideH = sizeH;
        strideW = sizeW;
    }

    @SuppressWarnings("unchecked")
    public T strides(int sh, int sw) {
        strideH = sh;
        strideW = sw;
        return (T) this;
    }

    @SuppressWarnings("unchecked")
    public T padding(String p) {
        padding = p;
        return (T) this;
    }

    @Override
    public String type() {
        return getClass().getSimpleName() + "(" + sizeH + "x" + sizeW + ")";
    }

    @Override
    protected int[] init(int[][] inputShapes) {
        int[] s = single(type(), inputShapes);
        rank(type(), s, 3, "[channels, height, width]");
        window = Window2d.keras(padding, s[1], s[2], sizeH, sizeW, strideH, strideW);
        return new int[] {s[0], window.outH(), window.outW()};
    }
}
