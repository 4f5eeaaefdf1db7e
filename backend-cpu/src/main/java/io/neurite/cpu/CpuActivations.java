package io.neurite.cpu;

import io.neurite.device.*;

/** Stub, to be filled. */
final class CpuActivations {
    private CpuActivations() {
    }
    static void forward(Op op, float alpha, int n, float[] x, float[] y) { throw new UnsupportedOperationException("not yet"); }
    static void backward(Op op, float alpha, int n, float[] x, float[] y, float[] dy, float[] dx) { throw new UnsupportedOperationException("not yet"); }
    static void prelu(int outer, int channels, int inner, float[] x, float[] slope, float[] y) { throw new UnsupportedOperationException("not yet"); }
    static void preluBackward(int outer, int channels, int inner, float[] x, float[] slope, float[] dy, float[] dx, float[] dSlope) { throw new UnsupportedOperationException("not yet"); }
}
