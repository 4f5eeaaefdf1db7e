package io.neurite.explain;

import io.neurite.nn.Model;

/**
 * Grad-CAM (Selvaraju et al. 2017) for one convolution: its feature maps A_k [n, K, h, w] and
 * their gradients dA_k from the class score in the same pass; each channel's weight is the mean
 * of its gradient over the map, and the map is ReLU(sum_k weight_k A_k), resized (bilinear, pixel
 * centres aligned as in TensorFlow's {@code image.resize}) to the input: [n, height, width],
 * unnormalised.
 *
 * <pre>{@code
 * float[] image = java.util.Arrays.copyOf(test.features(), 784);
 * Maps cam = GradCam.map(model, image, null, null);   // the last Conv2d, the predicted class
 * String layer = GradCam.lastConvolution(model);      // "conv2d_2" in LeNet-5
 * }</pre>
 */
public final class GradCam {
    private GradCam() {
    }

    /** The name of the model's last Conv2d, the default layer. */
    public static String lastConvolution(Model model) {
        return Passes.convolution(model, null).name();
    }

    /**
     * The map of each sample's class (classes[i], or the predicted one where classes is null) at the
     * named convolution (the last one where layer is null).
     *
     * @throws IllegalArgumentException for a layer that is missing or not a Conv2d
     */
    public static Maps map(Model model, float[] samples, int[] classes, String layer) {
        String name = Passes.convolution(model, layer).name();
        Passes.Grads g = Passes.gradients(model, samples, Passes.targets(model, samples, classes), name);
        int[] s = g.layerShape();
        int n = s[0], k = s[1], h = s[2], w = s[3], hw = h * w;
        float[] cam = new float[n * hw];
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < k; ch++) {
                int off = (i * k + ch) * hw;
                double weight = 0;
                for (int p = 0; p < hw; p++) weight += g.layerGrad()[off + p];
                weight /= hw;
                for (int p = 0; p < hw; p++) cam[i * hw + p] += (float) (weight * g.layer()[off + p]);
            }
        }
        for (int i = 0; i < cam.length; i++) cam[i] = Math.max(0, cam[i]);
        int[] chw = Passes.chw(model);
        return resize(new Maps(n, h, w, cam), chw[1], chw[2]);
    }

    /** Bilinear resize of every map to height x width, pixel centres aligned, edges replicated. */
    public static Maps resize(Maps m, int height, int width) {
        float[] out = new float[m.count() * height * width];
        double sy = (double) m.height() / height, sx = (double) m.width() / width;
        for (int i = 0; i < m.count(); i++) {
            for (int y = 0; y < height; y++) {
                double fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), m.height() - 1);
                int y0 = (int) fy, y1 = Math.min(y0 + 1, m.height() - 1);
                double ty = fy - y0;
                for (int x = 0; x < width; x++) {
                    double fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), m.width() - 1);
                    int x0 = (int) fx, x1 = Math.min(x0 + 1, m.width() - 1);
                    double tx = fx - x0;
                    double top = m.get(i, y0, x0) * (1 - tx) + m.get(i, y0, x1) * tx;
                    double bottom = m.get(i, y1, x0) * (1 - tx) + m.get(i, y1, x1) * tx;
                    out[(i * height + y) * width + x] = (float) (top * (1 - ty) + bottom * ty);
                }
            }
        }
        return new Maps(m.count(), height, width, out);
    }
}
