package io.neurite.explain;

import io.neurite.nn.Model;
import io.neurite.tensor.GradMode;
import io.neurite.tensor.Scope;
import io.neurite.tensor.Tensor;

/**
 * Occlusion sensitivity (Zeiler and Fergus 2014): a square patch of a fill value slides over the
 * image, every channel at once, and each pixel gets the mean drop in the class probability over
 * the patch positions that cover it (0 where none does). Many occluded copies go through the
 * model in one inference pass, {@link #batch} at a time.
 *
 * <pre>{@code
 * float[] image = java.util.Arrays.copyOf(test.features(), 784);
 * Maps heat = new Occlusion(4, 1, 0f).map(model, image, -1);   // the predicted class; [1, 28, 28]
 * }</pre>
 */
public final class Occlusion {
    private final int patch, stride;
    private final float fill;
    private int batch = 256;

    /** A patch of patch x patch pixels set to fill, moved by stride pixels. */
    public Occlusion(int patch, int stride, float fill) {
        if (patch < 1 || stride < 1) throw new IllegalArgumentException("occlusion needs a positive patch and stride, got " + patch + ", " + stride);
        this.patch = patch;
        this.stride = stride;
        this.fill = fill;
    }

    /** Occluded copies per forward pass (256). Returns this. */
    public Occlusion batch(int copies) {
        if (copies < 1) throw new IllegalArgumentException("batch must be positive, got " + copies);
        batch = copies;
        return this;
    }

    /**
     * The drop in the probability of cls (-1: the predicted class) per pixel: [1, height, width];
     * positive where hiding the pixel lowers the probability.
     */
    public Maps map(Model model, float[] sample, int cls) {
        if (Passes.count(model, sample) != 1) throw new IllegalArgumentException("occlusion takes one sample");
        int[] chw = Passes.chw(model);
        int c = chw[0], h = chw[1], w = chw[2];
        if (patch > h || patch > w) throw new IllegalArgumentException("the patch (" + patch + ") is larger than the image (" + h + "x" + w + ")");
        int ny = (h - patch) / stride + 1, nx = (w - patch) / stride + 1, positions = ny * nx, len = sample.length;
        float base;
        float[] drops = new float[positions];
        try (GradMode off = GradMode.disabled()) {
            float[] p0 = probabilities(model, sample);
            int k = p0.length;
            int target = cls >= 0 ? cls : Passes.argmax(p0, k)[0];
            if (target >= k) throw new IllegalArgumentException("class " + cls + " is not one of the model's " + k + " outputs");
            base = p0[target];
            float[] copies = new float[Math.min(batch, positions) * len];
            for (int from = 0; from < positions; from += batch) {
                int m = Math.min(batch, positions - from);
                for (int j = 0; j < m; j++) {
                    int y0 = (from + j) / nx * stride, x0 = (from + j) % nx * stride;
                    System.arraycopy(sample, 0, copies, j * len, len);
                    for (int ch = 0; ch < c; ch++) {
                        for (int y = y0; y < y0 + patch; y++) {
                            java.util.Arrays.fill(copies, j * len + (ch * h + y) * w + x0, j * len + (ch * h + y) * w + x0 + patch, fill);
                        }
                    }
                }
                float[] p = probabilities(model, m == copies.length / len ? copies : java.util.Arrays.copyOf(copies, m * len));
                for (int j = 0; j < m; j++) drops[from + j] = base - p[j * k + target];
            }
        }
        float[] heat = new float[h * w];
        int[] covered = new int[h * w];
        for (int q = 0; q < positions; q++) {
            int y0 = q / nx * stride, x0 = q % nx * stride;
            for (int y = y0; y < y0 + patch; y++) {
                for (int x = x0; x < x0 + patch; x++) {
                    heat[y * w + x] += drops[q];
                    covered[y * w + x]++;
                }
            }
        }
        for (int i = 0; i < heat.length; i++) if (covered[i] > 0) heat[i] /= covered[i];
        return new Maps(1, h, w, heat);
    }

    private static float[] probabilities(Model model, float[] x) {
        try (Scope s = Scope.open()) {
            Tensor out = model.predict(Passes.upload(model, x));
            return Passes.probabilities(out);
        }
    }
}
