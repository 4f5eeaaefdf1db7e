package io.neurite.explain;

import java.util.Arrays;

/**
 * A stack of 2-d maps on the host: {@code count} maps of {@code height x width}, row-major, map
 * after map, so the value of map i at (y, x) is {@code values[(i * height + y) * width + x]}.
 * Every method of this package returns one: a saliency or heatmap per sample, the feature maps of
 * a layer per channel, the kernels of a convolution per (filter, input channel).
 *
 * <pre>{@code
 * Maps m = new Maps(2, 3, 4, new float[24]);
 * float v = m.get(1, 2, 3);        // the last value
 * int[] peak = m.argmax(0);        // {y, x} of map 0's largest value
 * }</pre>
 */
public record Maps(int count, int height, int width, float[] values) {
    public Maps {
        if (count < 0 || height < 1 || width < 1 || values.length != (long) count * height * width) {
            throw new IllegalArgumentException(values.length + " values are not " + count + " maps of " + height + "x" + width);
        }
    }

    /** The value of map i at row y, column x. */
    public float get(int i, int y, int x) {
        return values[(i * height + y) * width + x];
    }

    /** A copy of map i, row-major. */
    public float[] map(int i) {
        return Arrays.copyOfRange(values, i * height * width, (i + 1) * height * width);
    }

    /** {y, x} of the largest value of map i (the first one of equal values). */
    public int[] argmax(int i) {
        int best = 0, hw = height * width, off = i * hw;
        for (int k = 1; k < hw; k++) if (values[off + k] > values[off + best]) best = k;
        return new int[] {best / width, best % width};
    }

    /** The smallest and largest value of map i. */
    public float[] range(int i) {
        float lo = Float.POSITIVE_INFINITY, hi = Float.NEGATIVE_INFINITY;
        for (int k = i * height * width; k < (i + 1) * height * width; k++) {
            lo = Math.min(lo, values[k]);
            hi = Math.max(hi, values[k]);
        }
        return new float[] {lo, hi};
    }

    /** The sum of map i's values over the rectangle [y0, y1) x [x0, x1). */
    public double sum(int i, int y0, int y1, int x0, int x1) {
        double s = 0;
        for (int y = y0; y < y1; y++) for (int x = x0; x < x1; x++) s += get(i, y, x);
        return s;
    }

    @Override
    public String toString() {
        return "Maps[" + count + ", " + height + ", " + width + "]";
    }
}
