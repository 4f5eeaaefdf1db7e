package io.neurite.nn;

import io.neurite.device.Window2d;
import java.util.Arrays;

/**
 * The bounds on layer settings and shapes, shared by the layers' constructors and builders (and so
 * by {@code LayerRegistry}, whose factories call them): every message names the layer and the
 * setting (its key in a model's JSON) or the shapes, on one line.
 */
final class Checks {
    /** The largest size a setting may be (units, filters, a kernel side, a stride, a dimension): 2^24. */
    static final int MAX_SIZE = 1 << 24;
    /** The most elements a weight or one sample's output may have: what a Java array holds. */
    static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    private Checks() {
    }

    /** A count or size in [1, {@link #MAX_SIZE}]. */
    static int size(String layer, String field, int v) {
        if (v < 1 || v > MAX_SIZE) {
            throw new IllegalArgumentException(layer + ": " + field + " must be between 1 and " + MAX_SIZE + ", got " + v);
        }
        return v;
    }

    /** A finite number of at least 0 (a regularisation penalty). */
    static float nonNegative(String layer, String field, float v) {
        if (!(v >= 0) || Float.isInfinite(v)) throw new IllegalArgumentException(layer + ": " + field + " must be a finite number >= 0, got " + v);
        return v;
    }

    static String padding(String layer, String p) {
        if (!"valid".equals(p) && !"same".equals(p) && !"full".equals(p)) {
            throw new IllegalArgumentException(layer + ": padding must be valid, same or full, got '" + p + "'");
        }
        return p;
    }

    /** The element count of a shape, refused (naming what it is) where an array cannot hold it or a dimension is below 1. */
    static long elements(String layer, String what, int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 1) throw new IllegalArgumentException(layer + ": " + what + " " + Arrays.toString(shape) + " has a dimension below 1");
            n *= d;
            if (n > MAX_ELEMENTS) {
                throw new IllegalArgumentException(layer + ": " + what + " " + Arrays.toString(shape) + " has more than "
                        + MAX_ELEMENTS + " elements (an array's limit)");
            }
        }
        return n;
    }

    /** Refuses an output shape (per sample) with an empty dimension or more elements than an array holds, naming the input shapes. */
    static void output(String layer, int[][] inputs, int[] out) {
        long n = 1;
        for (int d : out) {
            n = d < 1 ? 0 : Math.min(n * d, MAX_ELEMENTS + 1);
            if (n == 0 || n > MAX_ELEMENTS) {
                throw new IllegalArgumentException(layer + ": input " + Arrays.deepToString(inputs) + " gives output shape " + Arrays.toString(out)
                        + (n == 0 ? ", which is empty" : ", more than " + MAX_ELEMENTS + " values per sample"));
            }
        }
    }

    /** The window of a convolution or pooling over a [channels, height, width] input, with the input named in its refusal. */
    static Window2d window(String layer, int[] input, String padding, int kh, int kw, int sh, int sw) {
        Layer.rank(layer, input, 3, "[channels, height, width]");
        try {
            return Window2d.keras(padding, input[1], input[2], kh, kw, sh, sw);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(layer + " with " + padding + " padding cannot take input " + Arrays.toString(input)
                    + ": " + e.getMessage(), e);
        }
    }
}
