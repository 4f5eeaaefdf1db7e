package io.neurite.device;

/** The checked half of {@link Kernels} that training adds: losses, optimiser steps, batch norm, dropout, embedding, recurrent cells. */
abstract class CheckedTrainingKernels extends ArgumentChecks implements Kernels {
    CheckedTrainingKernels(Device device, Kernels k) {
        super(device, k);
    }

    final void loss(Op o, int rows, int cols, Buffer logits, Buffer loss, Buffer grad) {
        op(o);
        positive(o, rows, cols);
        f(o, "logits", logits, (long) rows * cols);
        f(o, "loss", loss, rows);
        if (grad != null) f(o, "grad", grad, (long) rows * cols);
    }

    @Override
    public void softmaxCrossEntropy(int rows, int cols, Buffer logits, Buffer labels, Buffer loss, Buffer grad, float gradScale) {
        loss(Op.SOFTMAX_CROSS_ENTROPY, rows, cols, logits, loss, grad);
        i(Op.SOFTMAX_CROSS_ENTROPY, "labels", labels, rows);
        device.call(() -> k.softmaxCrossEntropy(rows, cols, logits, labels, loss, grad, gradScale));
    }

    @Override
    public void softmaxCrossEntropyOneHot(int rows, int cols, Buffer logits, Buffer targets, Buffer loss, Buffer grad, float gradScale) {
        loss(Op.SOFTMAX_CROSS_ENTROPY_ONE_HOT, rows, cols, logits, loss, grad);
        f(Op.SOFTMAX_CROSS_ENTROPY_ONE_HOT, "targets", targets, (long) rows * cols);
        device.call(() -> k.softmaxCrossEntropyOneHot(rows, cols, logits, targets, loss, grad, gradScale));
    }

    @Override
    public void meanSquaredError(int n, Buffer prediction, Buffer target, Buffer loss, Buffer grad, float gradScale) {
        op(Op.MSE);
        positive(Op.MSE, n);
        f(Op.MSE, "prediction", prediction, n);
        f(Op.MSE, "target", target, n);
        f(Op.MSE, "loss", loss, 1);
        if (grad != null) f(Op.MSE, "grad", grad, n);
        device.call(() -> k.meanSquaredError(n, prediction, target, loss, grad, gradScale));
    }

    @Override
    public void optimizerStep(OptimizerStep step, int n, Buffer weights, Buffer grad, Buffer state1, Buffer state2) {
        Op o = step.rule().op();
        op(o);
        positive(o, n);
        f(o, "weights", weights, n);
        f(o, "grad", grad, n);
        if (step.rule().states() >= 1) f(o, "state1", state1, n);
        if (step.rule().states() >= 2) f(o, "state2", state2, n);
        device.call(() -> k.optimizerStep(step, n, weights, grad, state1, state2));
    }

    @Override
    public void batchNormForward(BatchNormSpec s, boolean training, Buffer x, Buffer gamma, Buffer beta, Buffer y,
                                 Buffer movingMean, Buffer movingVar, Buffer savedMean, Buffer savedInvStd) {
        Op o = Op.BATCH_NORM;
        op(o);
        f(o, "x", x, s.length());
        f(o, "y", y, s.length());
        for (Buffer b : new Buffer[] {gamma, beta, movingMean, movingVar}) f(o, "per-channel parameter", b, s.c());
        if (training) {
            f(o, "savedMean", savedMean, s.c());
            f(o, "savedInvStd", savedInvStd, s.c());
        }
        device.call(() -> k.batchNormForward(s, training, x, gamma, beta, y, movingMean, movingVar, savedMean, savedInvStd));
    }

    @Override
    public void batchNormBackward(BatchNormSpec s, Buffer x, Buffer gamma, Buffer dy, Buffer savedMean, Buffer savedInvStd,
                                  Buffer dx, Buffer dGamma, Buffer dBeta) {
        Op o = Op.BATCH_NORM;
        op(o);
        f(o, "x", x, s.length());
        f(o, "dy", dy, s.length());
        f(o, "dx", dx, s.length());
        for (Buffer b : new Buffer[] {gamma, savedMean, savedInvStd, dGamma, dBeta}) f(o, "per-channel buffer", b, s.c());
        device.call(() -> k.batchNormBackward(s, x, gamma, dy, savedMean, savedInvStd, dx, dGamma, dBeta));
    }

    @Override
    public void dropout(int n, float rate, long seed, Buffer x, Buffer mask, Buffer y) {
        op(Op.DROPOUT);
        positive(Op.DROPOUT, n);
        if (!(rate >= 0 && rate < 1)) throw new DeviceException("DROPOUT: rate must be in [0, 1), got " + rate);
        f(Op.DROPOUT, "x", x, n);
        f(Op.DROPOUT, "mask", mask, n);
        f(Op.DROPOUT, "y", y, n);
        device.call(() -> k.dropout(n, rate, seed, x, mask, y));
    }

    @Override
    public void embedding(int count, int width, Buffer table, Buffer ids, Buffer out) {
        op(Op.EMBEDDING);
        positive(Op.EMBEDDING, count, width);
        f(Op.EMBEDDING, "table", table, width);
        i(Op.EMBEDDING, "ids", ids, count);
        f(Op.EMBEDDING, "out", out, (long) count * width);
        device.call(() -> k.embedding(count, width, table, ids, out));
    }

    @Override
    public void embeddingBackward(int count, int width, Buffer dOut, Buffer ids, Buffer dTable) {
        op(Op.EMBEDDING);
        positive(Op.EMBEDDING, count, width);
        f(Op.EMBEDDING, "dOut", dOut, (long) count * width);
        i(Op.EMBEDDING, "ids", ids, count);
        f(Op.EMBEDDING, "dTable", dTable, width);
        device.call(() -> k.embeddingBackward(count, width, dOut, ids, dTable));
    }

    /** The shared checks of a recurrent cell: sizes, the step, and the per-step and sequence buffers. */
    final void cell(Op o, int batch, int units, int t) {
        op(o);
        positive(o, batch, units, t);
        if (units == 0) throw new DeviceException(o + ": a cell needs at least one unit");
    }

    /** A time-major sequence buffer [blocks or more, batch, width]. */
    final void blocks(Op o, String name, Buffer b, long blocks, int batch, long width) {
        f(o, name + " (" + blocks + " blocks of [" + batch + ", " + width + "])", b, blocks * batch * width);
    }

    @Override
    public void lstmCellForward(int batch, int units, int t, Buffer gates, Buffer rec, Buffer bias, Buffer c, Buffer h, Buffer hNext) {
        Op o = Op.LSTM_CELL;
        cell(o, batch, units, t);
        long g = 4L * units;
        blocks(o, "gates", gates, t + 1L, batch, g);
        f(o, "rec", rec, batch * g);
        f(o, "bias", bias, g);
        blocks(o, "c", c, t + 2L, batch, units);
        blocks(o, "h", h, t + 2L, batch, units);
        f(o, "hNext", hNext, (long) batch * units);
        device.call(() -> k.lstmCellForward(batch, units, t, gates, rec, bias, c, h, hNext));
    }

    @Override
    public void lstmCellBackward(int batch, int units, int t, Buffer gates, Buffer c, Buffer dOut, Buffer dh, Buffer dc,
                                 Buffer dz, Buffer dzNext) {
        Op o = Op.LSTM_CELL;
        cell(o, batch, units, t);
        long g = 4L * units;
        blocks(o, "gates", gates, t + 1L, batch, g);
        blocks(o, "c", c, t + 2L, batch, units);
        blocks(o, "dOut", dOut, t + 1L, batch, units);
        f(o, "dh", dh, (long) batch * units);
        f(o, "dc", dc, (long) batch * units);
        blocks(o, "dz", dz, t + 1L, batch, g);
        f(o, "dzNext", dzNext, batch * g);
        device.call(() -> k.lstmCellBackward(batch, units, t, gates, c, dOut, dh, dc, dz, dzNext));
    }

    @Override
    public void gruCellForward(int batch, int units, int t, Buffer gates, Buffer rec, Buffer bias, Buffer hCand, Buffer h, Buffer hNext) {
        Op o = Op.GRU_CELL;
        cell(o, batch, units, t);
        long g = 3L * units;
        blocks(o, "gates", gates, t + 1L, batch, g);
        f(o, "rec", rec, batch * g);
        f(o, "bias", bias, 2 * g);
        blocks(o, "hCand", hCand, t + 1L, batch, units);
        blocks(o, "h", h, t + 2L, batch, units);
        f(o, "hNext", hNext, (long) batch * units);
        device.call(() -> k.gruCellForward(batch, units, t, gates, rec, bias, hCand, h, hNext));
    }

    @Override
    public void gruCellBackward(int batch, int units, int t, Buffer gates, Buffer hCand, Buffer h, Buffer dOut, Buffer dh,
                                Buffer dx, Buffer dRec, Buffer dRecNext) {
        Op o = Op.GRU_CELL;
        cell(o, batch, units, t);
        long g = 3L * units;
        blocks(o, "gates", gates, t + 1L, batch, g);
        blocks(o, "hCand", hCand, t + 1L, batch, units);
        blocks(o, "h", h, t + 1L, batch, units);
        blocks(o, "dOut", dOut, t + 1L, batch, units);
        f(o, "dh", dh, (long) batch * units);
        blocks(o, "dx", dx, t + 1L, batch, g);
        blocks(o, "dRec", dRec, t + 1L, batch, g);
        f(o, "dRecNext", dRecNext, batch * g);
        device.call(() -> k.gruCellBackward(batch, units, t, gates, hCand, h, dOut, dh, dx, dRec, dRecNext));
    }
}
