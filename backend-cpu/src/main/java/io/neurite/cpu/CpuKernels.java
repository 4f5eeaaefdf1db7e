package io.neurite.cpu;

import io.neurite.device.BatchNormSpec;
import io.neurite.device.Broadcast;
import io.neurite.device.Buffer;
import io.neurite.device.Conv2dSpec;
import io.neurite.device.Kernels;
import io.neurite.device.Op;
import io.neurite.device.OptimizerStep;
import io.neurite.device.Pool2dSpec;
import io.neurite.device.PreparedGemmB;

/** The CPU op set: each family lives in a class of its own concept; this class only routes. */
final class CpuKernels implements Kernels {
    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, Buffer a, Buffer b, float beta, Buffer c) {
        CpuGemm.gemm(transA, transB, m, n, k, alpha, CpuBuffer.f(a), 0, CpuBuffer.f(b), 0, beta, CpuBuffer.f(c), 0);
    }

    @Override
    public PreparedGemmB prepareGemmB(boolean transB, int k, int n, Buffer b) {
        return new CpuPreparedB(transB, k, n, b, CpuGemm.prepare(transB, k, n, CpuBuffer.f(b)));
    }

    @Override
    public void gemm(boolean transA, int m, float alpha, Buffer a, PreparedGemmB b, float beta, Buffer c) {
        float[] panels = b instanceof CpuPreparedB p ? p.panels() : null;
        CpuGemm.gemmPrepared(transA, m, b.n(), b.k(), alpha, CpuBuffer.f(a), b.transB(), CpuBuffer.f(b.source()), panels, beta,
                CpuBuffer.f(c));
    }

    @Override
    public void gemmBatched(boolean transA, boolean transB, int batch, int m, int n, int k, float alpha,
                            Buffer a, long strideA, Buffer b, long strideB, float beta, Buffer c, long strideC) {
        CpuGemm.gemmBatched(transA, transB, batch, m, n, k, alpha, CpuBuffer.f(a), (int) strideA,
                CpuBuffer.f(b), (int) strideB, beta, CpuBuffer.f(c), (int) strideC);
    }

    @Override
    public void binary(Op op, Buffer a, Buffer b, Buffer out, Broadcast shape) {
        CpuElementwise.binary(op, CpuBuffer.f(a), CpuBuffer.f(b), CpuBuffer.f(out), shape);
    }

    @Override
    public void scale(int n, float alpha, Buffer x, Buffer y) {
        CpuElementwise.scale(n, alpha, CpuBuffer.f(x), CpuBuffer.f(y));
    }

    @Override
    public void axpy(int n, float alpha, Buffer x, Buffer y) {
        CpuElementwise.axpy(n, alpha, CpuBuffer.f(x), CpuBuffer.f(y));
    }

    @Override
    public void fill(Buffer x, float value) {
        if (CpuBuffer.f(x) != null) java.util.Arrays.fill(CpuBuffer.f(x), value);
        else java.util.Arrays.fill(CpuBuffer.i(x), (int) value);
    }

    @Override
    public void reduce(Op op, int outer, int axis, int inner, Buffer x, Buffer y) {
        CpuElementwise.reduce(op, outer, axis, inner, CpuBuffer.f(x), CpuBuffer.f(y));
    }

    @Override
    public void biasGradient(int outer, int channels, int inner, Buffer dy, Buffer db) {
        CpuElementwise.biasGradient(outer, channels, inner, CpuBuffer.f(dy), CpuBuffer.f(db));
    }

    @Override
    public void conv2dForward(Conv2dSpec spec, Buffer x, Buffer w, Buffer y) {
        if (direct(spec)) ConvDirect.forward(spec, CpuBuffer.f(x), CpuBuffer.f(w), CpuBuffer.f(y));
        else CpuConv.forward(spec, CpuBuffer.f(x), CpuBuffer.f(w), CpuBuffer.f(y));
    }

    @Override
    public void conv2dBackwardData(Conv2dSpec spec, Buffer dy, Buffer w, Buffer dx) {
        if (direct(spec)) ConvDirect.backwardData(spec, CpuBuffer.f(dy), CpuBuffer.f(w), CpuBuffer.f(dx));
        else CpuConv.backwardData(spec, CpuBuffer.f(dy), CpuBuffer.f(w), CpuBuffer.f(dx));
    }

    @Override
    public void conv2dBackwardFilter(Conv2dSpec spec, Buffer x, Buffer dy, Buffer dw) {
        if (direct(spec)) ConvDirect.backwardFilter(spec, CpuBuffer.f(x), CpuBuffer.f(dy), CpuBuffer.f(dw));
        else CpuConv.backwardFilter(spec, CpuBuffer.f(x), CpuBuffer.f(dy), CpuBuffer.f(dw));
    }

    /**
     * {@code -Dneurite.cpu.conv=direct} or {@code gemm} forces one path where both apply, so that
     * {@code bench conv} can time each on the same shape; unset, the shape decides.
     */
    private static final String CONV_PATH = System.getProperty("neurite.cpu.conv", "auto");

    /** Stride-1 convolutions of small images skip im2col (see {@link ConvDirect}); it needs the Vector API. */
    private static boolean direct(Conv2dSpec spec) {
        if (!VectorSupport.AVAILABLE || CONV_PATH.equals("gemm")) return false;
        return CONV_PATH.equals("direct") ? ConvDirect.fits(spec) : ConvDirect.applies(spec);
    }

    @Override
    public void maxPool2dForward(Pool2dSpec spec, Buffer x, Buffer y, Buffer indices) {
        CpuPool.maxForward(spec, CpuBuffer.f(x), CpuBuffer.f(y), indices == null ? null : CpuBuffer.i(indices));
    }

    @Override
    public void maxPool2dBackward(Pool2dSpec spec, Buffer dy, Buffer indices, Buffer dx) {
        CpuPool.maxBackward(spec, CpuBuffer.f(dy), CpuBuffer.i(indices), CpuBuffer.f(dx));
    }

    @Override
    public void avgPool2dForward(Pool2dSpec spec, Buffer x, Buffer y) {
        CpuPool.avgForward(spec, CpuBuffer.f(x), CpuBuffer.f(y));
    }

    @Override
    public void avgPool2dBackward(Pool2dSpec spec, Buffer dy, Buffer dx) {
        CpuPool.avgBackward(spec, CpuBuffer.f(dy), CpuBuffer.f(dx));
    }

    @Override
    public void activation(Op op, float alpha, int n, Buffer x, Buffer y) {
        CpuActivations.forward(op, alpha, n, CpuBuffer.f(x), CpuBuffer.f(y));
    }

    @Override
    public void activationBackward(Op op, float alpha, int n, Buffer x, Buffer y, Buffer dy, Buffer dx) {
        CpuActivations.backward(op, alpha, n, CpuBuffer.f(x), CpuBuffer.f(y), CpuBuffer.f(dy), CpuBuffer.f(dx));
    }

    @Override
    public void prelu(int outer, int channels, int inner, Buffer x, Buffer slope, Buffer y) {
        CpuActivations.prelu(outer, channels, inner, CpuBuffer.f(x), CpuBuffer.f(slope), CpuBuffer.f(y));
    }

    @Override
    public void preluBackward(int outer, int channels, int inner, Buffer x, Buffer slope, Buffer dy, Buffer dx, Buffer dSlope) {
        CpuActivations.preluBackward(outer, channels, inner, CpuBuffer.f(x), CpuBuffer.f(slope), CpuBuffer.f(dy),
                CpuBuffer.f(dx), CpuBuffer.f(dSlope));
    }

    @Override
    public void softmax(Op op, int rows, int cols, Buffer x, Buffer y) {
        CpuSoftmax.forward(op, rows, cols, CpuBuffer.f(x), CpuBuffer.f(y));
    }

    @Override
    public void softmaxBackward(Op op, int rows, int cols, Buffer y, Buffer dy, Buffer dx) {
        CpuSoftmax.backward(op, rows, cols, CpuBuffer.f(y), CpuBuffer.f(dy), CpuBuffer.f(dx));
    }

    @Override
    public void copy(int[] shape, Buffer src, long srcOffset, int[] srcStrides, Buffer dst, long dstOffset, int[] dstStrides) {
        CpuElementwise.copy(shape, src, (int) srcOffset, srcStrides, dst, (int) dstOffset, dstStrides);
    }

    @Override
    public void softmaxCrossEntropy(int rows, int cols, Buffer logits, Buffer labels, Buffer loss, Buffer grad, float gradScale) {
        CpuLosses.softmaxCrossEntropy(rows, cols, CpuBuffer.f(logits), CpuBuffer.i(labels), null, CpuBuffer.f(loss),
                grad == null ? null : CpuBuffer.f(grad), gradScale);
    }

    @Override
    public void softmaxCrossEntropyOneHot(int rows, int cols, Buffer logits, Buffer targets, Buffer loss, Buffer grad, float gradScale) {
        CpuLosses.softmaxCrossEntropy(rows, cols, CpuBuffer.f(logits), null, CpuBuffer.f(targets), CpuBuffer.f(loss),
                grad == null ? null : CpuBuffer.f(grad), gradScale);
    }

    @Override
    public void meanSquaredError(int n, Buffer prediction, Buffer target, Buffer loss, Buffer grad, float gradScale) {
        CpuLosses.meanSquaredError(n, CpuBuffer.f(prediction), CpuBuffer.f(target), CpuBuffer.f(loss),
                grad == null ? null : CpuBuffer.f(grad), gradScale);
    }

    @Override
    public void optimizerStep(OptimizerStep step, int n, Buffer weights, Buffer grad, Buffer state1, Buffer state2) {
        CpuOptimizers.step(step, n, CpuBuffer.f(weights), CpuBuffer.f(grad),
                state1 == null ? null : CpuBuffer.f(state1), state2 == null ? null : CpuBuffer.f(state2));
    }

    @Override
    public void batchNormForward(BatchNormSpec spec, boolean training, Buffer x, Buffer gamma, Buffer beta, Buffer y,
                                 Buffer movingMean, Buffer movingVar, Buffer savedMean, Buffer savedInvStd) {
        CpuBatchNorm.forward(spec, training, CpuBuffer.f(x), CpuBuffer.f(gamma), CpuBuffer.f(beta), CpuBuffer.f(y),
                CpuBuffer.f(movingMean), CpuBuffer.f(movingVar),
                savedMean == null ? null : CpuBuffer.f(savedMean), savedInvStd == null ? null : CpuBuffer.f(savedInvStd));
    }

    @Override
    public void batchNormBackward(BatchNormSpec spec, Buffer x, Buffer gamma, Buffer dy, Buffer savedMean, Buffer savedInvStd,
                                  Buffer dx, Buffer dGamma, Buffer dBeta) {
        CpuBatchNorm.backward(spec, CpuBuffer.f(x), CpuBuffer.f(gamma), CpuBuffer.f(dy), CpuBuffer.f(savedMean),
                CpuBuffer.f(savedInvStd), CpuBuffer.f(dx), CpuBuffer.f(dGamma), CpuBuffer.f(dBeta));
    }

    @Override
    public void dropout(int n, float rate, long seed, Buffer x, Buffer mask, Buffer y) {
        CpuElementwise.dropout(n, rate, seed, CpuBuffer.f(x), CpuBuffer.f(mask), CpuBuffer.f(y));
    }

    @Override
    public void embedding(int count, int width, Buffer table, Buffer ids, Buffer out) {
        CpuIndexing.embedding(count, width, CpuBuffer.f(table), CpuBuffer.i(ids), CpuBuffer.f(out));
    }

    @Override
    public void embeddingBackward(int count, int width, Buffer dOut, Buffer ids, Buffer dTable) {
        CpuIndexing.embeddingBackward(count, width, CpuBuffer.f(dOut), CpuBuffer.i(ids), CpuBuffer.f(dTable));
    }

    @Override
    public void argmax(int rows, int cols, Buffer x, Buffer out) {
        CpuIndexing.argmax(rows, cols, CpuBuffer.f(x), CpuBuffer.i(out));
    }

    @Override
    public void countCorrect(int rows, int cols, Buffer x, Buffer labels, Buffer count) {
        CpuIndexing.countCorrect(rows, cols, CpuBuffer.f(x), CpuBuffer.i(labels), CpuBuffer.i(count));
    }

    @Override
    public void trainingTotals(int samples, int batch, Buffer loss, Buffer correct, Buffer totals) {
        CpuIndexing.trainingTotals(samples, batch, CpuBuffer.f(loss)[0], correct == null ? null : CpuBuffer.i(correct),
                CpuBuffer.f(totals));
    }

    @Override
    public void lstmCellForward(int batch, int units, int t, Buffer gates, Buffer rec, Buffer bias, Buffer c, Buffer h, Buffer hNext) {
        CpuRecurrent.lstmForward(batch, units, t, CpuBuffer.f(gates), CpuBuffer.f(rec), CpuBuffer.f(bias), CpuBuffer.f(c),
                CpuBuffer.f(h), CpuBuffer.f(hNext));
    }

    @Override
    public void lstmCellBackward(int batch, int units, int t, Buffer gates, Buffer c, Buffer dOut, Buffer dh, Buffer dc,
                                 Buffer dz, Buffer dzNext) {
        CpuRecurrent.lstmBackward(batch, units, t, CpuBuffer.f(gates), CpuBuffer.f(c), CpuBuffer.f(dOut), CpuBuffer.f(dh),
                CpuBuffer.f(dc), CpuBuffer.f(dz), CpuBuffer.f(dzNext));
    }

    @Override
    public void gruCellForward(int batch, int units, int t, Buffer gates, Buffer rec, Buffer bias, Buffer hCand, Buffer h, Buffer hNext) {
        CpuRecurrent.gruForward(batch, units, t, CpuBuffer.f(gates), CpuBuffer.f(rec), CpuBuffer.f(bias), CpuBuffer.f(hCand),
                CpuBuffer.f(h), CpuBuffer.f(hNext));
    }

    @Override
    public void gruCellBackward(int batch, int units, int t, Buffer gates, Buffer hCand, Buffer h, Buffer dOut, Buffer dh,
                                Buffer dx, Buffer dRec, Buffer dRecNext) {
        CpuRecurrent.gruBackward(batch, units, t, CpuBuffer.f(gates), CpuBuffer.f(hCand), CpuBuffer.f(h), CpuBuffer.f(dOut),
                CpuBuffer.f(dh), CpuBuffer.f(dx), CpuBuffer.f(dRec), CpuBuffer.f(dRecNext));
    }
}
