package io.neurite.device;

import java.util.Arrays;

/**
 * The argument checks every backend shares, in front of its {@link Kernels} (see
 * {@link ArgumentChecks}): the arithmetic, convolution, pooling, activation and copy ops here,
 * the training ops in {@link CheckedTrainingKernels}.
 */
final class CheckedKernels extends CheckedTrainingKernels {
    CheckedKernels(Device device, Kernels k) {
        super(device, k);
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int kk, float alpha, Buffer a, Buffer b, float beta, Buffer c) {
        op(Op.GEMM);
        positive(Op.GEMM, m, n, kk);
        f(Op.GEMM, "A", a, (long) m * kk);
        f(Op.GEMM, "B", b, (long) kk * n);
        f(Op.GEMM, "C", c, (long) m * n);
        device.call(() -> k.gemm(transA, transB, m, n, kk, alpha, a, b, beta, c));
    }

    @Override
    public PreparedGemmB prepareGemmB(boolean transB, int kk, int n, Buffer b) {
        op(Op.GEMM);
        positive(Op.GEMM, kk, n);
        f(Op.GEMM, "B", b, (long) kk * n);
        PreparedGemmB[] made = new PreparedGemmB[1];
        device.call(() -> made[0] = k.prepareGemmB(transB, kk, n, b));
        return made[0];
    }

    @Override
    public void gemm(boolean transA, int m, float alpha, Buffer a, PreparedGemmB b, float beta, Buffer c) {
        op(Op.GEMM);
        if (b == null) throw new DeviceException(Op.GEMM + " on " + device.id() + ": prepared B is null");
        if (b.isClosed()) throw new DeviceException(Op.GEMM + " on " + device.id() + ": " + b + " is closed");
        positive(Op.GEMM, m);
        f(Op.GEMM, "A", a, (long) m * b.k());
        f(Op.GEMM, "source of prepared B", b.source(), (long) b.k() * b.n());
        f(Op.GEMM, "C", c, (long) m * b.n());
        device.call(() -> k.gemm(transA, m, alpha, a, b, beta, c));
    }

    @Override
    public void gemmBatched(boolean transA, boolean transB, int batch, int m, int n, int kk, float alpha,
                            Buffer a, long sa, Buffer b, long sb, float beta, Buffer c, long sc) {
        Op o = Op.GEMM_BATCHED;
        op(o);
        positive(o, batch, m, n, kk);
        if (sa < 0 || sb < 0 || sc < 0) throw new DeviceException(o + ": negative stride");
        if (batch > 1 && sc < (long) m * n) throw new DeviceException(o + ": C stride " + sc + " makes the " + m + "x" + n + " outputs overlap");
        long last = Math.max(0, batch - 1);
        f(o, "A", a, last * sa + (long) m * kk);
        f(o, "B", b, last * sb + (long) kk * n);
        f(o, "C", c, last * sc + (long) m * n);
        device.call(() -> k.gemmBatched(transA, transB, batch, m, n, kk, alpha, a, sa, b, sb, beta, c, sc));
    }

    @Override
    public void binary(Op o, Buffer a, Buffer b, Buffer out, Broadcast shape) {
        if (o != Op.ADD && o != Op.SUBTRACT && o != Op.MULTIPLY && o != Op.DIVIDE) throw new DeviceException(o + " is not a binary op");
        op(o);
        f(o, "a", a, shape.spanOf(shape.stridesA()));
        f(o, "b", b, shape.spanOf(shape.stridesB()));
        f(o, "out", out, shape.length());
        device.call(() -> k.binary(o, a, b, out, shape));
    }

    @Override
    public void scale(int n, float alpha, Buffer x, Buffer y) {
        op(Op.SCALE);
        positive(Op.SCALE, n);
        f(Op.SCALE, "x", x, n);
        f(Op.SCALE, "y", y, n);
        device.call(() -> k.scale(n, alpha, x, y));
    }

    @Override
    public void axpy(int n, float alpha, Buffer x, Buffer y) {
        op(Op.AXPY);
        positive(Op.AXPY, n);
        f(Op.AXPY, "x", x, n);
        f(Op.AXPY, "y", y, n);
        device.call(() -> k.axpy(n, alpha, x, y));
    }

    @Override
    public void fill(Buffer x, float value) {
        op(Op.FILL);
        buf(Op.FILL, "x", x, 0, x == null ? DType.FLOAT32 : x.dtype());
        x.forgetRange();
        device.call(() -> k.fill(x, value));
    }

    @Override
    public void reduce(Op o, int outer, int axis, int inner, Buffer x, Buffer y) {
        if (o != Op.SUM && o != Op.MEAN && o != Op.MAX) throw new DeviceException(o + " is not a reduction");
        op(o);
        positive(o, outer, axis, inner);
        if (axis == 0 && o != Op.SUM) throw new DeviceException(o + " over an empty axis");
        f(o, "x", x, (long) outer * axis * inner);
        f(o, "y", y, (long) outer * inner);
        device.call(() -> k.reduce(o, outer, axis, inner, x, y));
    }

    @Override
    public void biasGradient(int outer, int channels, int inner, Buffer dy, Buffer db) {
        op(Op.BIAS_GRADIENT);
        positive(Op.BIAS_GRADIENT, outer, channels, inner);
        f(Op.BIAS_GRADIENT, "dy", dy, (long) outer * channels * inner);
        f(Op.BIAS_GRADIENT, "db", db, channels);
        device.call(() -> k.biasGradient(outer, channels, inner, dy, db));
    }

    @Override
    public void conv2dForward(Conv2dSpec s, Buffer x, Buffer w, Buffer y) {
        conv(s, x, w, y);
        device.call(() -> k.conv2dForward(s, x, w, y));
    }

    @Override
    public void conv2dBackwardData(Conv2dSpec s, Buffer dy, Buffer w, Buffer dx) {
        conv(s, dx, w, dy);
        device.call(() -> k.conv2dBackwardData(s, dy, w, dx));
    }

    @Override
    public void conv2dBackwardFilter(Conv2dSpec s, Buffer x, Buffer dy, Buffer dw) {
        conv(s, x, dw, dy);
        device.call(() -> k.conv2dBackwardFilter(s, x, dy, dw));
    }

    private void conv(Conv2dSpec s, Buffer x, Buffer w, Buffer y) {
        op(Op.CONV2D);
        f(Op.CONV2D, "input", s, x, s.inputLength());
        f(Op.CONV2D, "filter", s, w, s.filterLength());
        f(Op.CONV2D, "output", s, y, s.outputLength());
    }

    @Override
    public void maxPool2dForward(Pool2dSpec s, Buffer x, Buffer y, Buffer indices) {
        pool(Op.MAX_POOL2D, s, x, y);
        if (indices != null) {
            i(Op.MAX_POOL2D, "indices", indices, s.outputLength());
            indices.forgetRange();
        }
        device.call(() -> k.maxPool2dForward(s, x, y, indices));
    }

    @Override
    public void maxPool2dBackward(Pool2dSpec s, Buffer dy, Buffer indices, Buffer dx) {
        pool(Op.MAX_POOL2D, s, dx, dy);
        i(Op.MAX_POOL2D, "indices", indices, s.outputLength());
        device.call(() -> k.maxPool2dBackward(s, dy, indices, dx));
    }

    @Override
    public void avgPool2dForward(Pool2dSpec s, Buffer x, Buffer y) {
        pool(Op.AVG_POOL2D, s, x, y);
        device.call(() -> k.avgPool2dForward(s, x, y));
    }

    @Override
    public void avgPool2dBackward(Pool2dSpec s, Buffer dy, Buffer dx) {
        pool(Op.AVG_POOL2D, s, dx, dy);
        device.call(() -> k.avgPool2dBackward(s, dy, dx));
    }

    private void pool(Op o, Pool2dSpec s, Buffer x, Buffer y) {
        op(o);
        f(o, "input", s, x, s.inputLength());
        f(o, "output", s, y, s.outputLength());
    }

    private static void activationOp(Op o) {
        if (o != Op.RELU && o != Op.LEAKY_RELU && o != Op.SIGMOID && o != Op.TANH) throw new DeviceException(o + " is not an activation");
    }

    @Override
    public void activation(Op o, float alpha, int n, Buffer x, Buffer y) {
        activationOp(o);
        op(o);
        positive(o, n);
        f(o, "x", x, n);
        f(o, "y", y, n);
        device.call(() -> k.activation(o, alpha, n, x, y));
    }

    @Override
    public void activationBackward(Op o, float alpha, int n, Buffer x, Buffer y, Buffer dy, Buffer dx) {
        activationOp(o);
        op(o);
        positive(o, n);
        f(o, "x", x, n);
        f(o, "y", y, n);
        f(o, "dy", dy, n);
        f(o, "dx", dx, n);
        device.call(() -> k.activationBackward(o, alpha, n, x, y, dy, dx));
    }

    @Override
    public void prelu(int outer, int channels, int inner, Buffer x, Buffer slope, Buffer y) {
        long len = (long) outer * channels * inner;
        op(Op.PRELU);
        positive(Op.PRELU, outer, channels, inner);
        f(Op.PRELU, "x", x, len);
        f(Op.PRELU, "slope", slope, channels);
        f(Op.PRELU, "y", y, len);
        device.call(() -> k.prelu(outer, channels, inner, x, slope, y));
    }

    @Override
    public void preluBackward(int outer, int channels, int inner, Buffer x, Buffer slope, Buffer dy, Buffer dx, Buffer dSlope) {
        long len = (long) outer * channels * inner;
        op(Op.PRELU);
        positive(Op.PRELU, outer, channels, inner);
        f(Op.PRELU, "x", x, len);
        f(Op.PRELU, "slope", slope, channels);
        f(Op.PRELU, "dy", dy, len);
        f(Op.PRELU, "dx", dx, len);
        f(Op.PRELU, "dSlope", dSlope, channels);
        device.call(() -> k.preluBackward(outer, channels, inner, x, slope, dy, dx, dSlope));
    }

    private void rows(Op o, int rows, int cols) {
        if (o != Op.SOFTMAX && o != Op.LOG_SOFTMAX) throw new DeviceException(o + " is not a softmax");
        op(o);
        positive(o, rows, cols);
    }

    @Override
    public void softmax(Op o, int rows, int cols, Buffer x, Buffer y) {
        rows(o, rows, cols);
        f(o, "x", x, (long) rows * cols);
        f(o, "y", y, (long) rows * cols);
        device.call(() -> k.softmax(o, rows, cols, x, y));
    }

    @Override
    public void softmaxBackward(Op o, int rows, int cols, Buffer y, Buffer dy, Buffer dx) {
        rows(o, rows, cols);
        f(o, "y", y, (long) rows * cols);
        f(o, "dy", dy, (long) rows * cols);
        f(o, "dx", dx, (long) rows * cols);
        device.call(() -> k.softmaxBackward(o, rows, cols, y, dy, dx));
    }

    @Override
    public void copy(int[] shape, Buffer src, long srcOffset, int[] srcStrides, Buffer dst, long dstOffset, int[] dstStrides) {
        op(Op.COPY);
        if (srcStrides.length != shape.length || dstStrides.length != shape.length) {
            throw new DeviceException("COPY: shape " + Arrays.toString(shape) + " needs one stride per axis, got "
                    + Arrays.toString(srcStrides) + " and " + Arrays.toString(dstStrides));
        }
        positive(Op.COPY, shape);
        if (srcOffset < 0 || dstOffset < 0) throw new DeviceException("COPY: negative offset");
        Broadcast span = new Broadcast(shape, srcStrides, dstStrides);
        buf(Op.COPY, "src", src, srcOffset + span.spanOf(srcStrides), src == null ? DType.FLOAT32 : src.dtype());
        buf(Op.COPY, "dst", dst, dstOffset + span.spanOf(dstStrides), src.dtype());
        dst.forgetRange();
        device.call(() -> k.copy(shape.clone(), src, srcOffset, srcStrides.clone(), dst, dstOffset, dstStrides.clone()));
    }

    @Override
    public void argmax(int rows, int cols, Buffer x, Buffer out) {
        op(Op.ARGMAX);
        positive(Op.ARGMAX, rows, cols);
        f(Op.ARGMAX, "x", x, (long) rows * cols);
        i(Op.ARGMAX, "out", out, rows);
        out.forgetRange();
        device.call(() -> k.argmax(rows, cols, x, out));
    }

    @Override
    public void countCorrect(int rows, int cols, Buffer x, Buffer labels, Buffer count) {
        op(Op.COUNT_CORRECT);
        positive(Op.COUNT_CORRECT, rows, cols);
        f(Op.COUNT_CORRECT, "x", x, (long) rows * cols);
        i(Op.COUNT_CORRECT, "labels", labels, rows);
        i(Op.COUNT_CORRECT, "count", count, 1);
        count.forgetRange();
        device.call(() -> k.countCorrect(rows, cols, x, labels, count));
    }

    @Override
    public void trainingTotals(int samples, int batch, Buffer loss, Buffer correct, Buffer totals) {
        op(Op.TRAINING_TOTALS);
        positive(Op.TRAINING_TOTALS, samples);
        if (batch < 1) throw new DeviceException("TRAINING_TOTALS: batch " + batch + " (batches count from 1)");
        f(Op.TRAINING_TOTALS, "loss", loss, 1);
        if (correct != null) i(Op.TRAINING_TOTALS, "correct", correct, 1);
        f(Op.TRAINING_TOTALS, "totals", totals, TOTALS);
        device.call(() -> k.trainingTotals(samples, batch, loss, correct, totals));
    }
}
