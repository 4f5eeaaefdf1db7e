package io.neurite.cpu;

import io.neurite.device.*;

/** Stub, to be filled. */
final class CpuElementwise {
    private CpuElementwise() {
    }
    static void binary(Op op, float[] a, float[] b, float[] out, Broadcast shape) { throw new UnsupportedOperationException("not yet"); }
    static void scale(int n, float alpha, float[] x, float[] y) { throw new UnsupportedOperationException("not yet"); }
    static void axpy(int n, float alpha, float[] x, float[] y) { throw new UnsupportedOperationException("not yet"); }
    static void reduce(Op op, int outer, int axis, int inner, float[] x, float[] y) { throw new UnsupportedOperationException("not yet"); }
    static void biasGradient(int outer, int channels, int inner, float[] dy, float[] db) { throw new UnsupportedOperationException("not yet"); }
    static void copy(int[] shape, Buffer src, int srcOffset, int[] srcStrides, Buffer dst, int dstOffset, int[] dstStrides) { throw new UnsupportedOperationException("not yet"); }
    static void dropout(int n, float rate, long seed, float[] x, float[] mask, float[] y) { throw new UnsupportedOperationException("not yet"); }
}
