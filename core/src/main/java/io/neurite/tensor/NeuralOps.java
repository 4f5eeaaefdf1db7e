package io.neurite.tensor;

import io.neurite.device.BatchNormSpec;
import io.neurite.device.Broadcast;
import io.neurite.device.Conv2dSpec;
import io.neurite.device.DType;
import io.neurite.device.Op;
import io.neurite.device.Pool2dSpec;
import io.neurite.device.Window2d;
import java.util.Arrays;

/**
 * The neural-network ops on tensors, each with its gradient: activations, softmax,
 * convolution, pooling, losses, dropout, batch normalisation and embedding. Where a fused op
 * pays (softmax cross-entropy, batch norm), the tape uses it.
 */
public final class NeuralOps {
    private NeuralOps() {
    }

    public static Tensor relu(Tensor x) {
        return activation(Op.RELU, 0, x);
    }

    public static Tensor leakyRelu(Tensor x, float alpha) {
        return activation(Op.LEAKY_RELU, alpha, x);
    }

    public static Tensor sigmoid(Tensor x) {
        return activation(Op.SIGMOID, 0, x);
    }

    public static Tensor tanh(Tensor x) {
        return activation(Op.TANH, 0, x);
    }

    /**
     * Inference only (grad mode off): {@code y = f(y + bias)} written over y, which must be the
     * caller's own fresh tensor (a layer's product), so the bias and the activation need no
     * buffers of their own. bias (broadcast to y's shape) may be null; f is
     * {@link Op#RELU}, {@link Op#LEAKY_RELU} (slope alpha), {@link Op#SIGMOID}, {@link Op#TANH} or
     * null for none. Returns y.
     */
    public static Tensor biasActivationInPlace(Tensor y, Tensor bias, Op f, float alpha) {
        if (GradMode.isEnabled()) throw new IllegalStateException("biasActivationInPlace is for inference: grad mode must be off");
        if (bias != null) {
            TensorMath.sameDevice(y, bias);
            Broadcast bc = Broadcast.of(y.shape(), bias.shape());
            if (!Arrays.equals(bc.shape(), y.shape())) {
                throw new IllegalArgumentException("bias " + Arrays.toString(bias.shape()) + " does not broadcast to " + Arrays.toString(y.shape()));
            }
            y.ops().binary(Op.ADD, y.buffer(), bias.buffer(), y.buffer(), bc);
        }
        if (f != null) y.ops().activation(f, alpha, Math.toIntExact(y.size()), y.buffer(), y.buffer());
        return y;
    }

    /** {@code f(x)} for f {@link Op#RELU}, {@link Op#LEAKY_RELU} (slope alpha), {@link Op#SIGMOID} or {@link Op#TANH}, recorded for autograd. */
    public static Tensor activation(Op op, float alpha, Tensor x) {
        int n = Math.toIntExact(x.size());
        // uninitialized: the activation and its backward write every element
        Tensor y = Tensor.uninitialized(x.device(), x.shape());
        x.ops().activation(op, alpha, n, x.buffer(), y.buffer());
        return Autograd.record(y, op.name().toLowerCase(), g -> {
            Tensor dx = Tensor.uninitialized(x.device(), x.shape());
            x.ops().activationBackward(op, alpha, n, x.buffer(), y.buffer(), g.buffer(), dx.buffer());
            return new Tensor[] {dx};
        }, x);
    }

    /** PReLU with one slope per channel (axis 1). */
    public static Tensor prelu(Tensor x, Tensor slope) {
        int[] s = x.shape();
        int channels = s.length > 1 ? s[1] : 1, outer = s[0];
        int inner = Math.toIntExact(x.size() / ((long) outer * channels));
        Tensor y = Tensor.zeros(x.device(), s);
        x.ops().prelu(outer, channels, inner, x.buffer(), slope.buffer(), y.buffer());
        return Autograd.record(y, "prelu", g -> {
            Tensor dx = Tensor.zeros(x.device(), s), ds = Tensor.zeros(x.device(), slope.shape());
            x.ops().preluBackward(outer, channels, inner, x.buffer(), slope.buffer(), g.buffer(), dx.buffer(), ds.buffer());
            return new Tensor[] {dx, ds};
        }, x, slope);
    }

    /** Softmax over the last axis. */
    public static Tensor softmax(Tensor x) {
        return softmax(Op.SOFTMAX, x);
    }

    /** Log-softmax over the last axis. */
    public static Tensor logSoftmax(Tensor x) {
        return softmax(Op.LOG_SOFTMAX, x);
    }

    private static Tensor softmax(Op op, Tensor x) {
        int cols = x.dim(-1), rows = Math.toIntExact(x.size() / cols);
        Tensor y = Tensor.zeros(x.device(), x.shape());
        x.ops().softmax(op, rows, cols, x.buffer(), y.buffer());
        if (op == Op.SOFTMAX) y.softmaxInput = x;
        return Autograd.record(y, op.name().toLowerCase(), g -> {
            Tensor dx = Tensor.zeros(x.device(), x.shape());
            x.ops().softmaxBackward(op, rows, cols, y.buffer(), g.buffer(), dx.buffer());
            return new Tensor[] {dx};
        }, x);
    }

    /** 2-d convolution of x [n, c, h, w] with w [f, c, kh, kw] over the given window. */
    public static Tensor conv2d(Tensor x, Tensor w, Window2d window) {
        int[] s = x.shape(), ws = w.shape();
        if (s.length != 4 || ws.length != 4 || ws[1] != s[1] || ws[2] != window.kernelH() || ws[3] != window.kernelW()) {
            throw new IllegalArgumentException("conv2d of input " + Arrays.toString(s) + " with filters " + Arrays.toString(ws)
                    + " and " + window + ": expected NCHW input and [filters, " + (s.length > 1 ? s[1] : "?") + ", kh, kw] filters");
        }
        Conv2dSpec spec = new Conv2dSpec(s[0], s[1], s[2], s[3], ws[0], window);
        Tensor y = Tensor.uninitialized(x.device(), s[0], ws[0], window.outH(), window.outW());
        x.ops().conv2dForward(spec, x.buffer(), w.buffer(), y.buffer());
        return Autograd.record(y, "conv2d", g -> {
            Tensor dx = null, dw = null;
            if (x.isRequiringGrad()) {
                dx = Tensor.uninitialized(x.device(), s);
                x.ops().conv2dBackwardData(spec, g.buffer(), w.buffer(), dx.buffer());
            }
            if (w.isRequiringGrad()) {
                dw = Tensor.uninitialized(x.device(), ws);
                x.ops().conv2dBackwardFilter(spec, x.buffer(), g.buffer(), dw.buffer());
            }
            return new Tensor[] {dx, dw};
        }, x, w);
    }

    public static Tensor maxPool2d(Tensor x, Window2d window) {
        int[] s = x.shape();
        Pool2dSpec spec = new Pool2dSpec(s[0], s[1], s[2], s[3], window);
        Tensor y = Tensor.uninitialized(x.device(), s[0], s[1], window.outH(), window.outW());
        boolean train = GradMode.isEnabled() && x.isRequiringGrad();
        Tensor idx = train ? Tensor.zeros(x.device(), DType.INT32, y.shape()) : null;
        x.ops().maxPool2dForward(spec, x.buffer(), y.buffer(), idx == null ? null : idx.buffer());
        return Autograd.record(y, "maxPool2d", g -> {
            Tensor dx = Tensor.uninitialized(x.device(), s);
            x.ops().maxPool2dBackward(spec, g.buffer(), idx.buffer(), dx.buffer());
            return new Tensor[] {dx};
        }, x);
    }

    public static Tensor avgPool2d(Tensor x, Window2d window) {
        int[] s = x.shape();
        Pool2dSpec spec = new Pool2dSpec(s[0], s[1], s[2], s[3], window);
        Tensor y = Tensor.uninitialized(x.device(), s[0], s[1], window.outH(), window.outW());
        x.ops().avgPool2dForward(spec, x.buffer(), y.buffer());
        return Autograd.record(y, "avgPool2d", g -> {
            Tensor dx = Tensor.uninitialized(x.device(), s);
            x.ops().avgPool2dBackward(spec, g.buffer(), dx.buffer());
            return new Tensor[] {dx};
        }, x);
    }

    /**
     * Mean softmax cross-entropy of logits [n, classes] against int32 labels [n], or float
     * one-hot (or soft) targets [n, classes]: one fused op whose gradient is computed with the loss.
     */
    public static Tensor softmaxCrossEntropy(Tensor logits, Tensor targets) {
        int cols = logits.dim(-1), rows = Math.toIntExact(logits.size() / cols);
        boolean sparse = targets.dtype() == DType.INT32;
        if (sparse ? targets.size() != rows : !Arrays.equals(targets.shape(), logits.shape())) {
            throw new IllegalArgumentException("cross-entropy of logits " + Arrays.toString(logits.shape()) + " against "
                    + (sparse ? "labels " : "targets ") + Arrays.toString(targets.shape()));
        }
        Tensor perRow = Tensor.zeros(logits.device(), rows);
        Tensor grad = logits.isRequiringGrad() && GradMode.isEnabled() ? Tensor.zeros(logits.device(), logits.shape()) : null;
        if (sparse) {
            logits.ops().softmaxCrossEntropy(rows, cols, logits.buffer(), targets.buffer(), perRow.buffer(),
                    grad == null ? null : grad.buffer(), 1f / rows);
        } else {
            logits.ops().softmaxCrossEntropyOneHot(rows, cols, logits.buffer(), targets.buffer(), perRow.buffer(),
                    grad == null ? null : grad.buffer(), 1f / rows);
        }
        Tensor loss = Tensor.zeros(logits.device(), 1);
        logits.ops().reduce(Op.MEAN, 1, rows, 1, perRow.buffer(), loss.buffer());
        return Autograd.record(loss, "softmaxCrossEntropy", g -> new Tensor[] {scaleByScalar(grad, g), null}, logits, targets);
    }

    /** Mean squared error of prediction against target (same shapes). */
    public static Tensor meanSquaredError(Tensor prediction, Tensor target) {
        if (!Arrays.equals(prediction.shape(), target.shape())) {
            throw new IllegalArgumentException("MSE of " + Arrays.toString(prediction.shape()) + " against " + Arrays.toString(target.shape()));
        }
        int n = Math.toIntExact(prediction.size());
        Tensor loss = Tensor.zeros(prediction.device(), 1);
        Tensor grad = Tensor.zeros(prediction.device(), prediction.shape());
        prediction.ops().meanSquaredError(n, prediction.buffer(), target.buffer(), loss.buffer(), grad.buffer(), 1f / n);
        return Autograd.record(loss, "mse", g -> new Tensor[] {scaleByScalar(grad, g), null}, prediction, target);
    }

    /** grad times the one-element upstream gradient, without a trip to the host. */
    private static Tensor scaleByScalar(Tensor grad, Tensor g) {
        Tensor out = Tensor.zeros(grad.device(), grad.shape());
        grad.ops().binary(Op.MULTIPLY, grad.buffer(), g.buffer(), out.buffer(), Broadcast.of(grad.shape(), new int[] {1}));
        return out;
    }

    /**
     * Inverted dropout: in training, zeroes each element with probability rate and scales the
     * rest by 1/(1-rate), with a mask drawn from (seed, index); at inference, x itself.
     */
    public static Tensor dropout(Tensor x, float rate, long seed, boolean training) {
        if (!training || rate == 0) return x;
        int n = Math.toIntExact(x.size());
        Tensor mask = Tensor.zeros(x.device(), x.shape()), y = Tensor.zeros(x.device(), x.shape());
        x.ops().dropout(n, rate, seed, x.buffer(), mask.buffer(), y.buffer());
        return Autograd.record(y, "dropout", g -> new Tensor[] {TensorMath.mul(g, mask)}, x);
    }

    /**
     * Batch normalisation over axis 1 of x [n, c, ...]. Training uses the batch statistics and
     * updates the moving ones in place; inference uses the moving ones.
     */
    public static Tensor batchNorm(Tensor x, Tensor gamma, Tensor beta, Tensor movingMean, Tensor movingVar,
                                   float epsilon, float momentum, boolean training) {
        int[] s = x.shape();
        int c = s[1], inner = Math.toIntExact(x.size() / ((long) s[0] * c));
        BatchNormSpec spec = new BatchNormSpec(s[0], c, inner, epsilon, momentum);
        Tensor y = Tensor.zeros(x.device(), s);
        Tensor mean = training ? Tensor.zeros(x.device(), c) : null, invStd = training ? Tensor.zeros(x.device(), c) : null;
        x.ops().batchNormForward(spec, training, x.buffer(), gamma.buffer(), beta.buffer(), y.buffer(), movingMean.buffer(),
                movingVar.buffer(), training ? mean.buffer() : null, training ? invStd.buffer() : null);
        if (!training) return y;
        return Autograd.record(y, "batchNorm", g -> {
            Tensor dx = Tensor.zeros(x.device(), s), dg = Tensor.zeros(x.device(), c), db = Tensor.zeros(x.device(), c);
            x.ops().batchNormBackward(spec, x.buffer(), gamma.buffer(), g.buffer(), mean.buffer(), invStd.buffer(),
                    dx.buffer(), dg.buffer(), db.buffer());
            return new Tensor[] {dx, dg, db};
        }, x, gamma, beta);
    }

    /** Rows of table [vocab, width] for int32 ids of any shape: [..., width]. */
    public static Tensor embedding(Tensor table, Tensor ids) {
        int width = table.dim(1), count = Math.toIntExact(ids.size());
        int[] outShape = Arrays.copyOf(ids.shape(), ids.rank() + 1);
        outShape[ids.rank()] = width;
        Tensor out = Tensor.zeros(table.device(), outShape);
        table.ops().embedding(count, width, table.buffer(), ids.buffer(), out.buffer());
        return Autograd.record(out, "embedding", g -> {
            Tensor dt = Tensor.zeros(table.device(), table.shape());
            table.ops().embeddingBackward(count, width, g.buffer(), ids.buffer(), dt.buffer());
            return new Tensor[] {dt, null};
        }, table, ids);
    }
}
