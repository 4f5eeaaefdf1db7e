package io.neurite.cuda;

import static io.neurite.cuda.CudaLauncher.memory;

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
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The CUDA op set: each method queues one or a few kernels of the PTX program on the device's
 * stream and returns without waiting. The kernels are the OpenCL backend's (neurite/common/), so
 * the argument lists and launch shapes here follow the OpenCL host code one for one. What only
 * the data can reveal (a label or an embedding id out of range) is checked on the host first, by
 * reading the small int buffer, so the error names the row or position as the CPU backend's does.
 * Every method holds the device's lock while it queues.
 */
final class CudaKernels implements Kernels {
    /** Exactly the ops implemented here: all of them. */
    static final Set<Op> SUPPORTED = EnumSet.allOf(Op.class);

    private final CudaDevice d;
    private final CudaLauncher run;

    CudaKernels(CudaDevice d) {
        this.d = d;
        this.run = d.launcher();
    }

    private Object orPlaceholder(Buffer b) {
        return b == null ? d.placeholder() : b;
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, Buffer a, Buffer b, float beta, Buffer c) {
        synchronized (d) {
            CudaGemm.run(d, transA, transB, 1, m, n, k, alpha, memory(a), 0, 0, memory(b), 0, 0, beta, memory(c), 0, 0);
        }
    }

    @Override
    public void gemmBatched(boolean transA, boolean transB, int batch, int m, int n, int k, float alpha,
                            Buffer a, long strideA, Buffer b, long strideB, float beta, Buffer c, long strideC) {
        synchronized (d) {
            CudaGemm.run(d, transA, transB, batch, m, n, k, alpha, memory(a), 0, CudaShapes.index(strideA, "A stride"),
                    memory(b), 0, CudaShapes.index(strideB, "B stride"), beta, memory(c), 0, CudaShapes.index(strideC, "C stride"));
        }
    }

    private static int binaryCode(Op op) {
        return switch (op) {
            case ADD -> 0;
            case SUBTRACT -> 1;
            case MULTIPLY -> 2;
            case DIVIDE -> 3;
            default -> throw new DeviceException(op + " is not a binary op");
        };
    }

    @Override
    public void binary(Op op, Buffer a, Buffer b, Buffer out, Broadcast shape) {
        long n = shape.length();
        synchronized (d) {
            if (shape.isFlat()) {
                run.items(PtxKernel.BINARY_FLAT, n, binaryCode(op), CudaShapes.index(n, "binary output length"), a, b, out);
                return;
            }
            CudaShapes.Walk walk = CudaShapes.walk(shape.shape(), shape.stridesA(), shape.stridesB());
            List<Object> args = new ArrayList<>(List.of(binaryCode(op)));
            args.addAll(walk.args());
            args.addAll(List.of(a, b, out));
            run.rows(PtxKernel.BINARY_STRIDED, n / Math.max(1, walk.inner()), walk.inner(), args.toArray());
        }
    }

    @Override
    public void scale(int n, float alpha, Buffer x, Buffer y) {
        synchronized (d) {
            run.items(PtxKernel.SCALE, n, n, alpha, x, y);
        }
    }

    @Override
    public void axpy(int n, float alpha, Buffer x, Buffer y) {
        synchronized (d) {
            run.items(PtxKernel.AXPY, n, n, alpha, x, y);
        }
    }

    @Override
    public void fill(Buffer x, float value) {
        int pattern = x.dtype() == DType.INT32 ? (int) value : Float.floatToRawIntBits(value);
        d.fill(memory(x), pattern, x.length());
    }

    @Override
    public void reduce(Op op, int outer, int axis, int inner, Buffer x, Buffer y) {
        long cells = (long) outer * inner;
        synchronized (d) {
            if (axis == 0) { // only SUM gets here: the sum over nothing
                d.fill(memory(y), 0, cells);
                return;
            }
            int code = op == Op.SUM ? 0 : op == Op.MEAN ? 1 : 2;
            run.groups(PtxKernel.REDUCE_AXIS, cells, code, axis, inner, x, y);
        }
    }

    @Override
    public void biasGradient(int outer, int channels, int inner, Buffer dy, Buffer db) {
        synchronized (d) {
            run.groups(PtxKernel.BIAS_GRADIENT, channels, outer, channels, inner, dy, db);
        }
    }

    @Override
    public void conv2dForward(Conv2dSpec spec, Buffer x, Buffer w, Buffer y) {
        synchronized (d) {
            CudaWindows.convForward(d, spec, x, w, y);
        }
    }

    @Override
    public void conv2dBackwardData(Conv2dSpec spec, Buffer dy, Buffer w, Buffer dx) {
        synchronized (d) {
            CudaWindows.convBackwardData(d, spec, dy, w, dx);
        }
    }

    @Override
    public void conv2dBackwardFilter(Conv2dSpec spec, Buffer x, Buffer dy, Buffer dw) {
        synchronized (d) {
            CudaWindows.convBackwardFilter(d, spec, x, dy, dw);
        }
    }

    @Override
    public void maxPool2dForward(Pool2dSpec spec, Buffer x, Buffer y, Buffer indices) {
        synchronized (d) {
            CudaWindows.pool(d, PtxKernel.MAX_POOL_FORWARD, spec, true, x, y, indices != null, orPlaceholder(indices));
        }
    }

    @Override
    public void maxPool2dBackward(Pool2dSpec spec, Buffer dy, Buffer indices, Buffer dx) {
        synchronized (d) {
            CudaWindows.pool(d, PtxKernel.MAX_POOL_BACKWARD, spec, false, dy, indices, dx);
        }
    }

    @Override
    public void avgPool2dForward(Pool2dSpec spec, Buffer x, Buffer y) {
        synchronized (d) {
            CudaWindows.pool(d, PtxKernel.AVG_POOL_FORWARD, spec, true, x, y);
        }
    }

    @Override
    public void avgPool2dBackward(Pool2dSpec spec, Buffer dy, Buffer dx) {
        synchronized (d) {
            CudaWindows.pool(d, PtxKernel.AVG_POOL_BACKWARD, spec, false, dy, dx);
        }
    }

    private static int activationCode(Op op) {
        return switch (op) {
            case RELU -> 0;
            case LEAKY_RELU -> 1;
            case SIGMOID -> 2;
            case TANH -> 3;
            default -> throw new DeviceException(op + " is not an activation");
        };
    }

    @Override
    public void activation(Op op, float alpha, int n, Buffer x, Buffer y) {
        synchronized (d) {
            run.items(PtxKernel.ACTIVATION, n, activationCode(op), alpha, n, x, y);
        }
    }

    @Override
    public void activationBackward(Op op, float alpha, int n, Buffer x, Buffer y, Buffer dy, Buffer dx) {
        synchronized (d) {
            run.items(PtxKernel.ACTIVATION_BACKWARD, n, activationCode(op), alpha, n, x, y, dy, dx);
        }
    }

    @Override
    public void prelu(int outer, int channels, int inner, Buffer x, Buffer slope, Buffer y) {
        int n = CudaShapes.index((long) outer * channels * inner, "PReLU length");
        synchronized (d) {
            run.items(PtxKernel.PRELU, n, n, channels, inner, x, slope, y);
        }
    }

    @Override
    public void preluBackward(int outer, int channels, int inner, Buffer x, Buffer slope, Buffer dy, Buffer dx, Buffer dSlope) {
        synchronized (d) {
            run.groups(PtxKernel.PRELU_BACKWARD, channels, outer, channels, inner, x, slope, dy, dx, dSlope);
        }
    }

    @Override
    public void softmax(Op op, int rows, int cols, Buffer x, Buffer y) {
        if (cols == 0) return;
        synchronized (d) {
            run.groups(PtxKernel.SOFTMAX_ROWS, rows, op == Op.SOFTMAX ? 0 : 1, cols, x, y);
        }
    }

    @Override
    public void softmaxBackward(Op op, int rows, int cols, Buffer y, Buffer dy, Buffer dx) {
        if (cols == 0) return;
        synchronized (d) {
            run.groups(PtxKernel.SOFTMAX_BACKWARD_ROWS, rows, op == Op.SOFTMAX ? 0 : 1, cols, y, dy, dx);
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
        long n = CudaShapes.size(shape);
        if (n == 0) return;
        CudaShapes.Walk walk = CudaShapes.walk(shape, srcStrides, dstStrides);
        List<Object> args = new ArrayList<>(walk.args());
        args.addAll(List.of(src, CudaShapes.index(srcOffset, "COPY source offset"), dst, CudaShapes.index(dstOffset, "COPY offset")));
        synchronized (d) {
            run.rows(PtxKernel.COPY_STRIDED, n / walk.inner(), walk.inner(), args.toArray());
        }
    }

    @Override
    public void softmaxCrossEntropy(int rows, int cols, Buffer logits, Buffer labels, Buffer loss, Buffer grad, float gradScale) {
        CudaHostChecks.labels(labels, rows, cols);
        crossEntropy(rows, cols, logits, false, labels, loss, grad, gradScale);
    }

    @Override
    public void softmaxCrossEntropyOneHot(int rows, int cols, Buffer logits, Buffer targets, Buffer loss, Buffer grad, float gradScale) {
        crossEntropy(rows, cols, logits, true, targets, loss, grad, gradScale);
    }

    private void crossEntropy(int rows, int cols, Buffer logits, boolean useTargets, Buffer truth, Buffer loss, Buffer grad,
                              float gradScale) {
        synchronized (d) {
            Object placeholder = d.placeholder();
            run.groups(PtxKernel.SOFTMAX_CROSS_ENTROPY, rows, cols, useTargets, logits, useTargets ? placeholder : truth,
                    useTargets ? truth : placeholder, loss, grad != null, orPlaceholder(grad), gradScale);
        }
    }

    @Override
    public void meanSquaredError(int n, Buffer prediction, Buffer target, Buffer loss, Buffer grad, float gradScale) {
        synchronized (d) {
            run.groups(PtxKernel.MSE, 1, n, grad != null, (float) (2.0 * gradScale), prediction, target, loss, orPlaceholder(grad));
        }
    }

    @Override
    public void optimizerStep(OptimizerStep step, int n, Buffer weights, Buffer grad, Buffer state1, Buffer state2) {
        synchronized (d) {
            CudaOptimizers.step(run, step, n, weights, grad, state1, state2);
        }
    }

    @Override
    public void batchNormForward(BatchNormSpec s, boolean training, Buffer x, Buffer gamma, Buffer beta, Buffer y,
                                 Buffer movingMean, Buffer movingVar, Buffer savedMean, Buffer savedInvStd) {
        synchronized (d) {
            run.groups(PtxKernel.BATCH_NORM_FORWARD, s.c(), training, s.n(), s.c(), s.inner(), s.epsilon(), s.momentum(),
                    (float) (1.0 - s.momentum()), x, gamma, beta, y, movingMean, movingVar,
                    orPlaceholder(training ? savedMean : null), orPlaceholder(training ? savedInvStd : null));
        }
    }

    @Override
    public void batchNormBackward(BatchNormSpec s, Buffer x, Buffer gamma, Buffer dy, Buffer savedMean, Buffer savedInvStd,
                                  Buffer dx, Buffer dGamma, Buffer dBeta) {
        synchronized (d) {
            run.groups(PtxKernel.BATCH_NORM_BACKWARD, s.c(), s.n(), s.c(), s.inner(), x, gamma, dy, savedMean, savedInvStd,
                    dx, dGamma, dBeta);
        }
    }

    @Override
    public void dropout(int n, float rate, long seed, Buffer x, Buffer mask, Buffer y) {
        synchronized (d) {
            run.items(PtxKernel.DROPOUT, n, n, rate, 1f / (1f - rate), (int) seed, (int) (seed >>> 32), x, mask, y);
        }
    }

    @Override
    public void embedding(int count, int width, Buffer table, Buffer ids, Buffer out) {
        if (width == 0) return;
        CudaHostChecks.ids(ids, count, table.length() / width);
        int n = CudaShapes.index((long) count * width, "EMBEDDING output length");
        synchronized (d) {
            run.items(PtxKernel.EMBEDDING_GATHER, n, n, width, table, ids, out);
        }
    }

    @Override
    public void embeddingBackward(int count, int width, Buffer dOut, Buffer ids, Buffer dTable) {
        if (width == 0) return;
        CudaHostChecks.ids(ids, count, dTable.length() / width);
        synchronized (d) {
            run.items(PtxKernel.EMBEDDING_SCATTER, width, count, width, dOut, ids, dTable);
        }
    }

    @Override
    public void argmax(int rows, int cols, Buffer x, Buffer out) {
        synchronized (d) {
            if (cols == 0) d.fill(memory(out), -1, rows); // an empty row has no maximum
            else run.items(PtxKernel.ARGMAX, rows, rows, cols, x, out);
        }
    }

    @Override
    public void countCorrect(int rows, int cols, Buffer x, Buffer labels, Buffer count) {
        synchronized (d) {
            if (cols == 0) d.fill(memory(count), 0, 1); // no row has an argmax to match
            else run.groups(PtxKernel.COUNT_CORRECT, 1, rows, cols, x, labels, count);
        }
    }

    @Override
    public void lstmCellForward(int batch, int units, int t, Buffer gates, Buffer rec, Buffer bias, Buffer c, Buffer h, Buffer hNext) {
        synchronized (d) {
            run.items(PtxKernel.LSTM_CELL_FORWARD, (long) batch * units, batch, units, t, gates, rec, bias, c, h, hNext);
        }
    }

    @Override
    public void lstmCellBackward(int batch, int units, int t, Buffer gates, Buffer c, Buffer dOut, Buffer dh, Buffer dc,
                                 Buffer dz, Buffer dzNext) {
        synchronized (d) {
            run.items(PtxKernel.LSTM_CELL_BACKWARD, (long) batch * units, batch, units, t, gates, c, dOut, dh, dc, dz, dzNext);
        }
    }

    @Override
    public void gruCellForward(int batch, int units, int t, Buffer gates, Buffer rec, Buffer bias, Buffer hCand, Buffer h,
                               Buffer hNext) {
        synchronized (d) {
            run.items(PtxKernel.GRU_CELL_FORWARD, (long) batch * units, batch, units, t, gates, rec, bias, hCand, h, hNext);
        }
    }

    @Override
    public void gruCellBackward(int batch, int units, int t, Buffer gates, Buffer hCand, Buffer h, Buffer dOut, Buffer dh,
                                Buffer dx, Buffer dRec, Buffer dRecNext) {
        synchronized (d) {
            run.items(PtxKernel.GRU_CELL_BACKWARD, (long) batch * units, batch, units, t, gates, hCand, h, dOut, dh, dx, dRec,
                    dRecNext);
        }
    }
}
