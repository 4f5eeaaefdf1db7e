package io.neurite.cpu;

import io.neurite.device.*;

/** Stub, to be filled. */
final class CpuBatchNorm {
    private CpuBatchNorm() {
    }
    static void forward(BatchNormSpec s, boolean training, float[] x, float[] gamma, float[] beta, float[] y, float[] movingMean, float[] movingVar, float[] savedMean, float[] savedInvStd) { throw new UnsupportedOperationException("not yet"); }
    static void backward(BatchNormSpec s, float[] x, float[] gamma, float[] dy, float[] savedMean, float[] savedInvStd, float[] dx, float[] dGamma, float[] dBeta) { throw new UnsupportedOperationException("not yet"); }
}
