package io.neurite.cpu;

import io.neurite.device.*;

/** Stub, to be filled. */
final class CpuOptimizers {
    private CpuOptimizers() {
    }
    static void step(OptimizerStep step, int n, float[] w, float[] g, float[] s1, float[] s2) { throw new UnsupportedOperationException("not yet"); }
}
