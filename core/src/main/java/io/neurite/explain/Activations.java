package io.neurite.explain;

import io.neurite.nn.Conv2d;
import io.neurite.nn.Layer;
import io.neurite.nn.Model;
import io.neurite.nn.Parameter;
import io.neurite.tensor.GradMode;
import io.neurite.tensor.Scope;
import io.neurite.tensor.Tensor;

/**
 * What a layer computes for a sample, and what a convolution's kernels are.
 *
 * <pre>{@code
 * float[] image = java.util.Arrays.copyOf(test.features(), 784);
 * Maps maps = Activations.of(model, image, "conv2d_1");   // LeNet-5: [6, 28, 28]
 * Maps kernels = Activations.filters(model, "conv2d_2");  // [16 * 6, 5, 5]
 * }</pre>
 */
public final class Activations {
    private Activations() {
    }

    /**
     * The named layer's output for one sample, in inference mode: a [channels, h, w] output as
     * [channels, h, w] maps, any other as one map of [1, last axis] rows ([1, rows, last axis]).
     */
    public static Maps of(Model model, float[] sample, String layer) {
        if (Passes.count(model, sample) != 1) throw new IllegalArgumentException("activations take one sample");
        Passes.layer(model, layer);
        try (Scope s = Scope.open(); GradMode off = GradMode.disabled()) {
            Tensor t = model.forward(Passes.upload(model, sample), io.neurite.nn.Mode.INFERENCE, layer).layer(layer);
            float[] v = t.toFloatArray();
            int[] shape = t.shape();
            if (shape.length == 4) return new Maps(shape[1], shape[2], shape[3], v);
            int last = shape[shape.length - 1];
            return new Maps(1, v.length / last, last, v);
        }
    }

    /**
     * The named convolution's kernels (the last one where layer is null), [filters * channels,
     * kh, kw]: map {@code f * channels + c} is filter f on input channel c.
     *
     * @throws IllegalArgumentException for a layer that is missing or not a Conv2d
     */
    public static Maps filters(Model model, String layer) {
        Conv2d conv = Passes.convolution(model, layer);
        Tensor kernel = kernel(conv);
        int[] s = kernel.shape();
        return new Maps(s[0] * s[1], s[2], s[3], kernel.toFloatArray());
    }

    /** The number of filters of the named convolution (the last one where layer is null). */
    public static int filterCount(Model model, String layer) {
        return kernel(Passes.convolution(model, layer)).dim(0);
    }

    private static Tensor kernel(Layer conv) {
        for (Parameter p : conv.parameters()) if (p.name().endsWith("/kernel")) return p.value();
        throw new IllegalStateException(conv.name() + " has no kernel");
    }
}
