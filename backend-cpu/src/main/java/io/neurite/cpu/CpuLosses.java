package io.neurite.cpu;

import io.neurite.device.*;

/** Stub, to be filled. */
final class CpuLosses {
    private CpuLosses() {
    }
    /** labels (sparse) or targets (one-hot) is null. */
    static void softmaxCrossEntropy(int rows, int cols, float[] logits, int[] labels, float[] targets, float[] loss, float[] grad, float gradScale) { throw new UnsupportedOperationException("not yet"); }
    static void meanSquaredError(int n, float[] p, float[] t, float[] loss, float[] grad, float gradScale) { throw new UnsupportedOperationException("not yet"); }
}
