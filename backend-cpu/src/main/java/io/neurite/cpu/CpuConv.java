package io.neurite.cpu;

import io.neurite.device.*;

/** Stub, to be filled. */
final class CpuConv {
    private CpuConv() {
    }
    static void forward(Conv2dSpec s, float[] x, float[] w, float[] y) { throw new UnsupportedOperationException("not yet"); }
    static void backwardData(Conv2dSpec s, float[] dy, float[] w, float[] dx) { throw new UnsupportedOperationException("not yet"); }
    static void backwardFilter(Conv2dSpec s, float[] x, float[] dy, float[] dw) { throw new UnsupportedOperationException("not yet"); }
}
