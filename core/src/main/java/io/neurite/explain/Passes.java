package io.neurite.explain;

import io.neurite.device.Device;
import io.neurite.nn.Conv2d;
import io.neurite.nn.Layer;
import io.neurite.nn.Mode;
import io.neurite.nn.Model;
import io.neurite.nn.Node;
import io.neurite.tensor.GradMode;
import io.neurite.tensor.Scope;
import io.neurite.tensor.Tensor;
import java.util.Arrays;
import java.util.List;

/** The passes every method here shares: shapes, uploads, class scores and their gradients. */
final class Passes {
    private Passes() {
    }

    /** What one gradient pass returns, on the host: d score / d input, the output, and a layer's value and gradient. */
    record Grads(float[] input, float[] output, int classes, float[] layer, float[] layerGrad, int[] layerShape) {
    }

    /** The model's sample as {channels, height, width}: the last two axes are the image, the others channels. */
    static int[] chw(Model m) {
        int[] s = m.inputShape();
        if (s.length < 2) throw new IllegalArgumentException("the model's input " + Arrays.toString(s) + " is not an image (2 axes or more)");
        int c = 1;
        for (int i = 0; i < s.length - 2; i++) c *= s[i];
        return new int[] {c, s[s.length - 2], s[s.length - 1]};
    }

    /** The number of whole samples in x, at least one. */
    static int count(Model m, float[] x) {
        int[] c = chw(m);
        int len = c[0] * c[1] * c[2];
        if (x.length == 0 || x.length % len != 0) {
            throw new IllegalArgumentException(x.length + " values are not whole samples of " + Arrays.toString(m.inputShape()));
        }
        return x.length / len;
    }

    static Tensor upload(Model m, float[] x) {
        int n = count(m, x);
        int[] shape = new int[m.inputShape().length + 1];
        shape[0] = n;
        System.arraycopy(m.inputShape(), 0, shape, 1, shape.length - 1);
        return Tensor.of(m.device(), x, shape);
    }

    /** The model's output for x, on the host: [n, classes]. */
    static float[] predict(Model m, float[] x) {
        try (Scope s = Scope.open()) {
            return m.predict(upload(m, x)).toFloatArray();
        }
    }

    /** The argmax of each row of an [n, classes] array. */
    static int[] argmax(float[] out, int classes) {
        int[] best = new int[out.length / classes];
        for (int i = 0; i < best.length; i++) {
            for (int k = 1; k < classes; k++) if (out[i * classes + k] > out[i * classes + best[i]]) best[i] = k;
        }
        return best;
    }

    /** Probabilities: the output itself when the model ends in a softmax, else the softmax of each row. */
    static float[] probabilities(Tensor out) {
        float[] p = out.toFloatArray();
        if (out.softmaxInput() != null) return p;
        int k = out.dim(-1);
        for (int r = 0; r < p.length / k; r++) {
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < k; j++) max = Math.max(max, p[r * k + j]);
            double sum = 0;
            for (int j = 0; j < k; j++) sum += p[r * k + j] = (float) Math.exp(p[r * k + j] - max);
            for (int j = 0; j < k; j++) p[r * k + j] /= (float) sum;
        }
        return p;
    }

    /** Each sample's class: classes[i], or where classes is null, the predicted one. */
    static int[] targets(Model m, float[] x, int[] classes) {
        int n = count(m, x);
        int k = m.outputShape()[m.outputShape().length - 1];
        int[] t = classes != null ? classes : argmax(predict(m, x), k);
        if (t.length != n) throw new IllegalArgumentException(n + " samples but " + t.length + " classes");
        for (int c : t) if (c < 0 || c >= k) throw new IllegalArgumentException("class " + c + " is not one of the model's " + k + " outputs");
        return t;
    }

    /**
     * One pass in inference mode with gradients: the sum over samples of each one's class score
     * (the model's output, logits or probabilities as the model ends), differentiated with respect
     * to the input and, when layer is not null, that layer's output. Samples do not mix in
     * inference, so each sample's gradient is its own score's.
     */
    static Grads gradients(Model m, float[] x, int[] classes, String layer) {
        int n = count(m, x);
        Device d = m.device();
        try (Scope s = Scope.open(); GradMode on = GradMode.enabled()) {
            Tensor in = upload(m, x).requiresGrad();
            Model.Outputs o = layer == null ? new Model.Outputs(m.forward(in, Mode.INFERENCE), java.util.Map.of())
                    : m.forward(in, Mode.INFERENCE, layer);
            int k = o.output().dim(-1);
            float[] mask = new float[n * k];
            for (int i = 0; i < n; i++) mask[i * k + classes[i]] = 1;
            backward(m, o.output().mul(Tensor.of(d, mask, n, k)).sum());
            Tensor t = layer == null ? null : o.layer(layer);
            float[] tg = t == null ? null : t.grad() == null ? new float[Math.toIntExact(t.size())] : t.grad().toFloatArray();
            return new Grads(in.grad().toFloatArray(), o.output().toFloatArray(), k, t == null ? null : t.toFloatArray(), tg,
                    t == null ? null : t.shape());
        }
    }

    /**
     * Back-propagates from score with the weights' gradients cleared before and after (as
     * {@code zeroGrad}): this pass's would belong to its scope, closed when it ends.
     */
    static void backward(Model m, Tensor score) {
        List<io.neurite.nn.Parameter> ps = m.parameters();
        for (io.neurite.nn.Parameter p : ps) p.value().zeroGrad();
        try {
            score.backward();
        } finally {
            for (io.neurite.nn.Parameter p : ps) p.value().zeroGrad();
        }
    }

    /** The named layer, or a one-line reason. */
    static Layer layer(Model m, String name) {
        return m.node(name).layer();
    }

    /** The named convolution (the last one when name is null), or a one-line reason. */
    static Conv2d convolution(Model m, String name) {
        if (name == null) {
            Conv2d last = null;
            for (Node n : m.nodes()) if (n.layer() instanceof Conv2d c) last = c;
            if (last == null) throw new IllegalArgumentException("the model has no Conv2d layer");
            return last;
        }
        Layer l = layer(m, name);
        if (!(l instanceof Conv2d c)) {
            throw new IllegalArgumentException("layer '" + name + "' is a " + l.getClass().getSimpleName() + ", not a convolution (Conv2d)");
        }
        return c;
    }
}
