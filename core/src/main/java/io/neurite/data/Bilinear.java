package io.neurite.data;

/**
 * Samples one channel plane at a fractional (row, column) position: bilinear or nearest, with the
 * outside of the plane either replicating the edge (Keras' and SciPy's fill mode "nearest") or
 * a constant. Shared by image resizing and augmentation.
 */
final class Bilinear {
    private Bilinear() {
    }

    /**
     * The value at (y, x) of the h-by-w plane starting at src[off].
     *
     * @param linear  bilinear (SciPy order 1) when true, nearest neighbour (order 0) otherwise
     * @param outside NaN to replicate the edge pixels; otherwise the value of every pixel beyond the edge
     */
    static float sample(float[] src, int off, int h, int w, double y, double x, boolean linear, float outside) {
        boolean clamp = Float.isNaN(outside);
        if (!linear) return at(src, off, h, w, (int) Math.floor(y + 0.5), (int) Math.floor(x + 0.5), clamp, outside);
        if (clamp) {
            // Clamping the position first gives the same result as clamping each of the four taps,
            // and skips the per-tap checks on the common path.
            y = Math.min(Math.max(y, 0), h - 1);
            x = Math.min(Math.max(x, 0), w - 1);
        }
        int y0 = (int) Math.floor(y), x0 = (int) Math.floor(x);
        float fy = (float) (y - y0), fx = (float) (x - x0);
        float a = at(src, off, h, w, y0, x0, clamp, outside), b = at(src, off, h, w, y0, x0 + 1, clamp, outside);
        float c = at(src, off, h, w, y0 + 1, x0, clamp, outside), d = at(src, off, h, w, y0 + 1, x0 + 1, clamp, outside);
        float top = a + (b - a) * fx, bottom = c + (d - c) * fx;
        return top + (bottom - top) * fy;
    }

    private static float at(float[] src, int off, int h, int w, int y, int x, boolean clamp, float outside) {
        if (y < 0 || y >= h || x < 0 || x >= w) {
            if (!clamp) return outside;
            y = Math.min(Math.max(y, 0), h - 1);
            x = Math.min(Math.max(x, 0), w - 1);
        }
        return src[off + y * w + x];
    }

    /**
     * Resizes each of channels planes from [h0, w0] to [h, w] as TensorFlow's bilinear resize
     * (half-pixel centres, no antialiasing; what Keras' image_dataset_from_directory uses).
     */
    static float[] resize(float[] src, int channels, int h0, int w0, int h, int w) {
        float[] out = new float[channels * h * w];
        double sy = (double) h0 / h, sx = (double) w0 / w;
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < h; y++) {
                double fy = (y + 0.5) * sy - 0.5;
                for (int x = 0; x < w; x++) {
                    out[(c * h + y) * w + x] = sample(src, c * h0 * w0, h0, w0, fy, (x + 0.5) * sx - 0.5, true, Float.NaN);
                }
            }
        }
        return out;
    }
}
