package io.neurite.cpu;

import io.neurite.device.*;

/** Stub, to be filled. */
final class CpuPool {
    private CpuPool() {
    }
    static void maxForward(Pool2dSpec s, float[] x, float[] y, int[] indices) { throw new UnsupportedOperationException("not yet"); }
    static void maxBackward(Pool2dSpec s, float[] dy, int[] indices, float[] dx) { throw new UnsupportedOperationException("not yet"); }
    static void avgForward(Pool2dSpec s, float[] x, float[] y) { throw new UnsupportedOperationException("not yet"); }
    static void avgBackward(Pool2dSpec s, float[] dy, float[] dx) { throw new UnsupportedOperationException("not yet"); }
}
