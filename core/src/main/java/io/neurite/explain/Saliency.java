package io.neurite.explain;

import io.neurite.nn.Model;
import java.util.SplittableRandom;

/**
 * Gradient maps of a class score with respect to the input pixels (Simonyan et al. 2014): which
 * pixels, changed a little, change the score most. The score is the model's output for the class
 * (a logit, or a probability for a model that ends in a softmax), computed in inference mode.
 * Samples are NCHW floats, one after another, as {@code Dataset.features()} holds them; maps are
 * {@code [n, height, width]}, one per sample, over the input's last two axes.
 *
 * <pre>{@code
 * float[] image = test.features();              // or one sample's 784 values
 * image = java.util.Arrays.copyOf(image, 784);
 * Maps s = Saliency.vanilla(model, image, null);       // the predicted class; [1, 28, 28]
 * Maps gx = Saliency.gradientTimesInput(model, image, new int[] {7});
 * Maps smooth = Saliency.smoothGrad(model, image, 7, 25, 0.15f, 42);
 * }</pre>
 */
public final class Saliency {
    private Saliency() {
    }

    /**
     * |d score / d pixel|, the largest over channels, for each sample's class (classes[i], or the
     * predicted class where classes is null): [n, height, width].
     */
    public static Maps vanilla(Model model, float[] samples, int[] classes) {
        Passes.Grads g = Passes.gradients(model, samples, Passes.targets(model, samples, classes), null);
        return reduce(model, g.input(), null, true);
    }

    /** d score / d pixel times the pixel, summed over channels (signed): [n, height, width]. */
    public static Maps gradientTimesInput(Model model, float[] samples, int[] classes) {
        Passes.Grads g = Passes.gradients(model, samples, Passes.targets(model, samples, classes), null);
        return reduce(model, g.input(), samples, false);
    }

    /**
     * SmoothGrad (Smilkov et al. 2017): the mean of {@link #vanilla} over copies of one sample with
     * Gaussian noise of standard deviation {@code noise * (max - min)} of the sample, seeded, all
     * copies in one pass: [1, height, width]. cls is the class, or -1 for the predicted one.
     */
    public static Maps smoothGrad(Model model, float[] sample, int cls, int copies, float noise, long seed) {
        if (Passes.count(model, sample) != 1) throw new IllegalArgumentException("smoothGrad takes one sample");
        if (copies < 1) throw new IllegalArgumentException("smoothGrad needs at least one copy, got " + copies);
        int c = cls >= 0 ? cls : Passes.targets(model, sample, null)[0];
        float lo = Float.POSITIVE_INFINITY, hi = Float.NEGATIVE_INFINITY;
        for (float v : sample) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        double sigma = noise * (hi - lo);
        SplittableRandom r = new SplittableRandom(seed);
        float[] noisy = new float[copies * sample.length];
        for (int i = 0; i < noisy.length; i++) noisy[i] = (float) (sample[i % sample.length] + sigma * r.nextGaussian());
        int[] classes = new int[copies];
        java.util.Arrays.fill(classes, c);
        Maps each = vanilla(model, noisy, classes);
        int hw = each.height() * each.width();
        float[] mean = new float[hw];
        for (int i = 0; i < each.values().length; i++) mean[i % hw] += each.values()[i] / copies;
        return new Maps(1, each.height(), each.width(), mean);
    }

    /** Per sample and pixel: max |g| over channels, or sum g * x over channels. */
    private static Maps reduce(Model model, float[] g, float[] x, boolean absMax) {
        int[] chw = Passes.chw(model);
        int c = chw[0], hw = chw[1] * chw[2], n = g.length / (c * hw);
        float[] out = new float[n * hw];
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < c; ch++) {
                for (int p = 0; p < hw; p++) {
                    int at = (i * c + ch) * hw + p;
                    if (absMax) out[i * hw + p] = Math.max(out[i * hw + p], Math.abs(g[at]));
                    else out[i * hw + p] += g[at] * x[at];
                }
            }
        }
        return new Maps(n, chw[1], chw[2], out);
    }
}
