package io.neurite.explain;

import io.neurite.nn.Mode;
import io.neurite.nn.Model;
import io.neurite.tensor.GradMode;
import io.neurite.tensor.Scope;
import io.neurite.tensor.Tensor;
import java.util.SplittableRandom;

/**
 * Activation maximisation (Erhan et al. 2009; Keras' "visualizing what convnets learn"): gradient
 * ascent on the input, from a seeded random start, of J(x) = a(x) - l2 |x|^2, where a is the mean
 * of one channel of a layer's output (a filter's feature map, or a unit of a dense layer) or one
 * of the model's outputs (a class score). Each step moves x by {@code rate} times the gradient
 * divided by its root mean square, so the rate is a step per pixel whatever the gradient's scale.
 *
 * <pre>{@code
 * Maximize.Result r = new Maximize().steps(60).rate(0.05f).filter(model, "conv2d_1", 3);
 * Maps picture = r.image();            // [channels, height, width] of the input
 * float[] j = r.objective();           // J before each step and after the last: steps + 1 values
 * Maximize.Result seven = new Maximize().classScore(model, 7);
 * }</pre>
 */
public final class Maximize {
    private int steps = 100;
    private float rate = 0.05f, l2 = 1e-3f, start = 0.5f, spread = 0.1f;
    private long seed = 42;

    /** The image found, as input-shaped maps, and J at each step. */
    public record Result(Maps image, float[] objective) {
    }

    /** Gradient steps (100). */
    public Maximize steps(int n) {
        if (n < 0) throw new IllegalArgumentException("steps must be 0 or more, got " + n);
        steps = n;
        return this;
    }

    /** Step per pixel, in input units (0.05). */
    public Maximize rate(float r) {
        rate = r;
        return this;
    }

    /** The weight of the L2 penalty on the input (1e-3). */
    public Maximize l2(float w) {
        l2 = w;
        return this;
    }

    /** The start: uniform in [mean - spread / 2, mean + spread / 2), seeded (0.5, 0.1, 42). */
    public Maximize start(float mean, float spread, long seed) {
        this.start = mean;
        this.spread = spread;
        this.seed = seed;
        return this;
    }

    /** Maximises the mean of channel (a filter or unit) of the named layer's output. */
    public Result filter(Model model, String layer, int channel) {
        Passes.layer(model, layer);
        return ascend(model, layer, channel);
    }

    /** Maximises the model's output for cls. */
    public Result classScore(Model model, int cls) {
        return ascend(model, null, cls);
    }

    private Result ascend(Model model, String layer, int channel) {
        int[] chw = Passes.chw(model);
        float[] x = new float[chw[0] * chw[1] * chw[2]];
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < x.length; i++) x[i] = (float) (start + spread * (r.nextDouble() - 0.5));
        float[] objective = new float[steps + 1];
        float[] g = new float[x.length];
        for (int t = 0; t <= steps; t++) {
            double a = activation(model, layer, channel, x, g), norm = 0;
            for (int i = 0; i < x.length; i++) {
                a -= l2 * (double) x[i] * x[i];
                g[i] -= 2 * l2 * x[i];
                norm += (double) g[i] * g[i];
            }
            objective[t] = (float) a;
            if (t == steps) break;
            double step = rate / (Math.sqrt(norm / x.length) + 1e-12);
            for (int i = 0; i < x.length; i++) x[i] += (float) (step * g[i]);
        }
        return new Result(new Maps(chw[0], chw[1], chw[2], x), objective);
    }

    /** a(x), with its gradient written to grad. */
    private static double activation(Model model, String layer, int channel, float[] x, float[] grad) {
        try (Scope s = Scope.open(); GradMode on = GradMode.enabled()) {
            Tensor in = Passes.upload(model, x).requiresGrad();
            Tensor out = layer == null ? model.forward(in, Mode.INFERENCE) : model.forward(in, Mode.INFERENCE, layer).layer(layer);
            int channels = out.dim(1), per = Math.toIntExact(out.size() / channels);
            if (channel < 0 || channel >= channels) {
                throw new IllegalArgumentException((layer == null ? "class " : "channel ") + channel + " is not one of "
                        + (layer == null ? "the model's" : layer + "'s") + " " + channels);
            }
            float[] mask = new float[Math.toIntExact(out.size())];
            java.util.Arrays.fill(mask, channel * per, (channel + 1) * per, 1f / per);
            Tensor a = out.mul(Tensor.of(model.device(), mask, out.shape())).sum();
            Passes.backward(model, a);
            System.arraycopy(in.grad().toFloatArray(), 0, grad, 0, grad.length);
            return a.item();
        }
    }
}
