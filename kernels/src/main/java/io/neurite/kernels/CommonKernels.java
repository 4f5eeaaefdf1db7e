package io.neurite.kernels;

import io.neurite.device.BatchNormSpec;
import io.neurite.device.Broadcast;
import io.neurite.device.Buffer;
import io.neurite.device.Conv2dSpec;
import io.neurite.device.DType;
import io.neurite.device.DeviceException;
import io.neurite.device.Kernels;
import io.neurite.device.Op;
import io.neurite.device.OptimizerStep;
import io.neurite.device.Pool2dSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The op set of every backend that compiles the kernels of neurite/common/ (OpenCL and CUDA):
 * each method queues one or a few kernels and returns without waiting. Both programs hold the same
 * kernel source, so the argument lists, launch shapes and host-side plans are the same too; they
 * live here once, beside the sources they must match, and a backend supplies only what differs:
 * its memory handles, fills, scratch memory and GEMM (the abstract methods), and a
 * {@link Launcher} that sizes launches in its own terms.
 *
 * <p>Arguments arrive checked by the SPI; what only the data can reveal (a label or an embedding id
 * out of range) is checked on the host first ({@link HostChecks}). Every method holds the device's
 * lock while it queues, so ops from several threads queue whole.
 *
 * @param <M> the backend's handle to device memory, which its launcher takes as a kernel argument
 */
public abstract class CommonKernels<M> implements Kernels {
    /** Exactly the ops implemented here: all of them. */
    public static final Set<Op> SUPPORTED = Collections.unmodifiableSet(EnumSet.allOf(Op.class));

    /** What scratch memory is for; a backend that keeps a buffer per use needs them apart within one op. */
    public enum Scratch { CONV_COLUMNS, CONV_PARTIAL, CONV_SUM }

    private final Object lock;
    /** The backend's launcher (package-visible for the planners here). */
    final Launcher run;

    /**
     * @param lock     the device, whose lock every op holds while it queues
     * @param launcher the device's launcher
     */
    protected CommonKernels(Object lock, Launcher launcher) {
        this.lock = lock;
        this.run = launcher;
    }

    /** The device memory behind a (checked, open) buffer of this backend. */
    protected abstract M memory(Buffer b);

    /** Queues setting the first words 32-bit words of memory to pattern (every dtype is 32-bit). */
    protected abstract void fillWords(M memory, int pattern, long words);

    /** A small block standing in for an absent optional argument, which the kernel does not touch. */
    protected abstract M placeholder();

    /** Scratch memory of at least floats floats (contents undefined) for the steps of one op; {@link #recycle} it after. */
    protected abstract M scratch(Scratch use, long floats);

    /** Hands scratch memory back once the op has queued its last use of it (a no-op where scratch is kept per use). */
    protected abstract void recycle(M scratch);

    /**
     * {@code C = alpha op(A) op(B) + beta C} for each of batch products, operands at element offsets
     * with a per-product stride (0 shares one matrix); arguments were checked by the SPI. It takes
     * memory rather than buffers because convolution calls it on scratch memory too.
     */
    protected abstract void gemm(boolean ta, boolean tb, int batch, int m, int n, int k, float alpha, M a, int aOff, int sa,
                                 M b, int bOff, int sb, float beta, M c, int cOff, int sc);

    private Object orPlaceholder(Buffer b) {
        return b == null ? placeholder() : b;
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, Buffer a, Buffer b, float beta, Buffer c) {
        synchronized (lock) {
            gemm(transA, transB, 1, m, n, k, alpha, memory(a), 0, 0, memory(b), 0, 0, beta, memory(c), 0, 0);
        }
    }

    @Override
    public void gemmBatched(boolean transA, boolean transB, int batch, int m, int n, int k, float alpha,
                            Buffer a, long strideA, Buffer b, long strideB, float beta, Buffer c, long strideC) {
        synchronized (lock) {
            gemm(transA, transB, batch, m, n, k, alpha, memory(a), 0, Shapes.index(strideA, "A stride"), memory(b), 0,
                    Shapes.index(strideB, "B stride"), beta, memory(c), 0, Shapes.index(strideC, "C stride"));
        }
    }

    @Override
    public void binary(Op op, Buffer a, Buffer b, Buffer out, Broadcast shape) {
        long n = shape.length();
        if (n == 0) return;
        synchronized (lock) {
            if (shape.isFlat()) {
                run.items(KernelEntry.BINARY_FLAT, n, OpCodes.binary(op), Shapes.index(n, "binary output length"), a, b, out);
                return;
            }
            Shapes.Walk walk = Shapes.walk(shape.shape(), shape.stridesA(), shape.stridesB());
            List<Object> args = new ArrayList<>(List.of(OpCodes.binary(op)));
            args.addAll(walk.args());
            args.addAll(List.of(a, b, out));
            run.rows(KernelEntry.BINARY_STRIDED, n / walk.inner(), walk.inner(), args.toArray());
        }
    }

    @Override
    public void scale(int n, float alpha, Buffer x, Buffer y) {
        synchronized (lock) {
            run.items(KernelEntry.SCALE, n, n, alpha, x, y);
        }
    }

    @Override
    public void axpy(int n, float alpha, Buffer x, Buffer y) {
        synchronized (lock) {
            run.items(KernelEntry.AXPY, n, n, alpha, x, y);
        }
    }

    @Override
    public void fill(Buffer x, float value) {
        int pattern = x.dtype() == DType.INT32 ? (int) value : Float.floatToRawIntBits(value);
        fillWords(memory(x), pattern, x.length());
    }

    @Override
    public void reduce(Op op, int outer, int axis, int inner, Buffer x, Buffer y) {
        long cells = (long) outer * inner;
        synchronized (lock) {
            if (axis == 0) { // only SUM gets here: the sum over nothing
                fillWords(memory(y), 0, cells);
                return;
            }
            run.groups(KernelEntry.REDUCE_AXIS, cells, OpCodes.reduction(op), axis, inner, x, y);
        }
    }

    @Override
    public void biasGradient(int outer, int channels, int inner, Buffer dy, Buffer db) {
        synchronized (lock) {
            run.groups(KernelEntry.BIAS_GRADIENT, channels, outer, channels, inner, dy, db);
        }
    }

    @Override
    public void conv2dForward(Conv2dSpec spec, Buffer x, Buffer w, Buffer y) {
        synchronized (lock) {
            Windows.convForward(this, spec, x, w, y);
        }
    }

    @Override
    public void conv2dBackwardData(Conv2dSpec spec, Buffer dy, Buffer w, Buffer dx) {
        synchronized (lock) {
            Windows.convBackwardData(this, spec, dy, w, dx);
        }
    }

    @Override
    public void conv2dBackwardFilter(Conv2dSpec spec, Buffer x, Buffer dy, Buffer dw) {
        synchronized (lock) {
            Windows.convBackwardFilter(this, spec, x, dy, dw);
        }
    }

    @Override
    public void maxPool2dForward(Pool2dSpec spec, Buffer x, Buffer y, Buffer indices) {
        synchronized (lock) {
            Windows.pool(run, KernelEntry.MAX_POOL_FORWARD, spec, true, x, y, indices != null, orPlaceholder(indices));
        }
    }

    @Override
    public void maxPool2dBackward(Pool2dSpec spec, Buffer dy, Buffer indices, Buffer dx) {
        synchronized (lock) {
            Windows.pool(run, KernelEntry.MAX_POOL_BACKWARD, spec, false, dy, indices, dx);
        }
    }

    @Override
    public void avgPool2dForward(Pool2dSpec spec, Buffer x, Buffer y) {
        synchronized (lock) {
            Windows.pool(run, KernelEntry.AVG_POOL_FORWARD, spec, true, x, y);
        }
    }

    @Override
    public void avgPool2dBackward(Pool2dSpec spec, Buffer dy, Buffer dx) {
        synchronized (lock) {
            Windows.pool(run, KernelEntry.AVG_POOL_BACKWARD, spec, false, dy, dx);
        }
    }

    @Override
    public void activation(Op op, float alpha, int n, Buffer x, Buffer y) {
        synchronized (lock) {
            run.items(KernelEntry.ACTIVATION, n, OpCodes.activation(op), alpha, n, x, y);
        }
    }

    @Override
    public void activationBackward(Op op, float alpha, int n, Buffer x, Buffer y, Buffer dy, Buffer dx) {
        synchronized (lock) {
            run.items(KernelEntry.ACTIVATION_BACKWARD, n, OpCodes.activation(op), alpha, n, x, y, dy, dx);
        }
    }

    @Override
    public void prelu(int outer, int channels, int inner, Buffer x, Buffer slope, Buffer y) {
        int n = Shapes.index((long) outer * channels * inner, "PReLU length");
        synchronized (lock) {
            run.items(KernelEntry.PRELU, n, n, channels, inner, x, slope, y);
        }
    }

    @Override
    public void preluBackward(int outer, int channels, int inner, Buffer x, Buffer slope, Buffer dy, Buffer dx, Buffer dSlope) {
        synchronized (lock) {
            run.groups(KernelEntry.PRELU_BACKWARD, channels, outer, channels, inner, x, slope, dy, dx, dSlope);
        }
    }

    @Override
    public void softmax(Op op, int rows, int cols, Buffer x, Buffer y) {
        if (cols == 0) return;
        synchronized (lock) {
            run.groups(KernelEntry.SOFTMAX_ROWS, rows, OpCodes.softmax(op), cols, x, y);
        }
    }

    @Override
    public void softmaxBackward(Op op, int rows, int cols, Buffer y, Buffer dy, Buffer dx) {
        if (cols == 0) return;
        synchronized (lock) {
            run.groups(KernelEntry.SOFTMAX_BACKWARD_ROWS, rows, OpCodes.softmax(op), cols, y, dy, dx);
        }
    }

    @Override
    public void copy(int[] shape, Buffer src, long srcOffset, int[] srcStrides, Buffer dst, long dstOffset, int[] dstStrides) {
        for (int axis = 0; axis < shape.length; axis++) {
            if (srcStrides[axis] < 0 || dstStrides[axis] < 0) {
                throw new DeviceException("COPY: negative stride on axis " + axis + " (src " + srcStrides[axis]
                        + ", dst " + dstStrides[axis] + "); flip the block with offsets instead");
            }
        }
        long n = Shapes.size(shape);
        if (n == 0) return;
        Shapes.Walk walk = Shapes.walk(shape, srcStrides, dstStrides);
        List<Object> args = new ArrayList<>(walk.args());
        args.addAll(List.of(src, Shapes.index(srcOffset, "COPY source offset"), dst, Shapes.index(dstOffset, "COPY offset")));
        synchronized (lock) {
            run.rows(KernelEntry.COPY_STRIDED, n / walk.inner(), walk.inner(), args.toArray());
        }
    }

    @Override
    public void softmaxCrossEntropy(int rows, int cols, Buffer logits, Buffer labels, Buffer loss, Buffer grad, float gradScale) {
        HostChecks.labels(labels, rows, cols);
        crossEntropy(rows, cols, logits, false, labels, loss, grad, gradScale);
    }

    @Override
    public void softmaxCrossEntropyOneHot(int rows, int cols, Buffer logits, Buffer targets, Buffer loss, Buffer grad, float gradScale) {
        crossEntropy(rows, cols, logits, true, targets, loss, grad, gradScale);
    }

    private void crossEntropy(int rows, int cols, Buffer logits, boolean useTargets, Buffer truth, Buffer loss, Buffer grad,
                              float gradScale) {
        synchronized (lock) {
            Object placeholder = placeholder();
            run.groups(KernelEntry.SOFTMAX_CROSS_ENTROPY, rows, cols, useTargets, logits, useTargets ? placeholder : truth,
                    useTargets ? truth : placeholder, loss, grad != null, orPlaceholder(grad), gradScale);
        }
    }

    @Override
    public void meanSquaredError(int n, Buffer prediction, Buffer target, Buffer loss, Buffer grad, float gradScale) {
        synchronized (lock) {
            run.groups(KernelEntry.MSE, 1, n, grad != null, (float) (2.0 * gradScale), prediction, target, loss, orPlaceholder(grad));
        }
    }

    @Override
    public void optimizerStep(OptimizerStep step, int n, Buffer weights, Buffer grad, Buffer state1, Buffer state2) {
        synchronized (lock) {
            Optimizers.step(run, step, n, weights, grad, state1, state2);
        }
    }

    @Override
    public void batchNormForward(BatchNormSpec s, boolean training, Buffer x, Buffer gamma, Buffer beta, Buffer y,
                                 Buffer movingMean, Buffer movingVar, Buffer savedMean, Buffer savedInvStd) {
        synchronized (lock) {
            run.groups(KernelEntry.BATCH_NORM_FORWARD, s.c(), training, s.n(), s.c(), s.inner(), s.epsilon(), s.momentum(),
                    (float) (1.0 - s.momentum()), x, gamma, beta, y, movingMean, movingVar,
                    orPlaceholder(training ? savedMean : null), orPlaceholder(training ? savedInvStd : null));
        }
    }

    @Override
    public void batchNormBackward(BatchNormSpec s, Buffer x, Buffer gamma, Buffer dy, Buffer savedMean, Buffer savedInvStd,
                                  Buffer dx, Buffer dGamma, Buffer dBeta) {
        synchronized (lock) {
            run.groups(KernelEntry.BATCH_NORM_BACKWARD, s.c(), s.n(), s.c(), s.inner(), x, gamma, dy, savedMean, savedInvStd,
                    dx, dGamma, dBeta);
        }
    }

    @Override
    public void dropout(int n, float rate, long seed, Buffer x, Buffer mask, Buffer y) {
        synchronized (lock) {
            run.items(KernelEntry.DROPOUT, n, n, rate, 1f / (1f - rate), new StepValues((int) seed, (int) (seed >>> 32)), x, mask, y);
        }
    }

    @Override
    public void embedding(int count, int width, Buffer table, Buffer ids, Buffer out) {
        if (width == 0) return;
        HostChecks.ids(ids, count, table.length() / width);
        int n = Shapes.index((long) count * width, "EMBEDDING output length");
        synchronized (lock) {
            run.items(KernelEntry.EMBEDDING_GATHER, n, n, width, table, ids, out);
        }
    }

    @Override
    public void embeddingBackward(int count, int width, Buffer dOut, Buffer ids, Buffer dTable) {
        if (width == 0) return;
        HostChecks.ids(ids, count, dTable.length() / width);
        synchronized (lock) {
            run.items(KernelEntry.EMBEDDING_SCATTER, width, count, width, dOut, ids, dTable);
        }
    }

    @Override
    public void argmax(int rows, int cols, Buffer x, Buffer out) {
        synchronized (lock) {
            if (cols == 0) fillWords(memory(out), -1, rows); // an empty row has no maximum
            else run.items(KernelEntry.ARGMAX, rows, rows, cols, x, out);
        }
    }

    @Override
    public void countCorrect(int rows, int cols, Buffer x, Buffer labels, Buffer count) {
        synchronized (lock) {
            if (cols == 0) fillWords(memory(count), 0, 1); // no row has an argmax to match
            else run.groups(KernelEntry.COUNT_CORRECT, 1, rows, cols, x, labels, count);
        }
    }

    @Override
    public void trainingTotals(int samples, int batch, Buffer loss, Buffer correct, Buffer totals) {
        synchronized (lock) {
            run.items(KernelEntry.TRAINING_TOTALS, 1, samples, new StepValues(batch), correct != null, loss, orPlaceholder(correct), totals);
        }
    }

    @Override
    public void lstmCellForward(int batch, int units, int t, Buffer gates, Buffer rec, Buffer bias, Buffer c, Buffer h, Buffer hNext) {
        synchronized (lock) {
            run.items(KernelEntry.LSTM_CELL_FORWARD, (long) batch * units, batch, units, t, gates, rec, bias, c, h, hNext);
        }
    }

    @Override
    public void lstmCellBackward(int batch, int units, int t, Buffer gates, Buffer c, Buffer dOut, Buffer dh, Buffer dc,
                                 Buffer dz, Buffer dzNext) {
        synchronized (lock) {
            run.items(KernelEntry.LSTM_CELL_BACKWARD, (long) batch * units, batch, units, t, gates, c, dOut, dh, dc, dz, dzNext);
        }
    }

    @Override
    public void gruCellForward(int batch, int units, int t, Buffer gates, Buffer rec, Buffer bias, Buffer hCand, Buffer h,
                               Buffer hNext) {
        synchronized (lock) {
            run.items(KernelEntry.GRU_CELL_FORWARD, (long) batch * units, batch, units, t, gates, rec, bias, hCand, h, hNext);
        }
    }

    @Override
    public void gruCellBackward(int batch, int units, int t, Buffer gates, Buffer hCand, Buffer h, Buffer dOut, Buffer dh,
                                Buffer dx, Buffer dRec, Buffer dRecNext) {
        synchronized (lock) {
            run.items(KernelEntry.GRU_CELL_BACKWARD, (long) batch * units, batch, units, t, gates, hCand, h, dOut, dh, dx, dRec,
                    dRecNext);
        }
    }
}
