package io.neurite.cpu;

/**
 * The transcendental loops (sigmoid, tanh, shifted exponentials) behind activations and softmax.
 * C2 does not vectorise {@link Math#exp}, so where the Vector API is present these run on
 * {@link ElementwiseVector} with {@link VectorMath}'s polynomials (the same bits in every process); otherwise
 * they fall back to scalar double-precision maths.
 */
final class ElementwiseMath {
    private ElementwiseMath() {
    }

    /**
     * {@code y = 1 / (1 + exp(-x))} on [from, to). This form is stable for any x: a large
     * negative x makes exp(-x) infinite and y exactly 0, never inf/inf.
     */
    static void sigmoid(float[] x, float[] y, int from, int to) {
        if (VectorSupport.AVAILABLE) {
            ElementwiseVector.sigmoid(x, y, from, to);
            return;
        }
        for (int i = from; i < to; i++) y[i] = (float) (1 / (1 + Math.exp(-x[i])));
    }

    /** {@code y = tanh(x)} on [from, to). */
    static void tanh(float[] x, float[] y, int from, int to) {
        if (VectorSupport.AVAILABLE) {
            ElementwiseVector.tanh(x, y, from, to);
            return;
        }
        for (int i = from; i < to; i++) y[i] = (float) Math.tanh(x[i]);
    }

    /** {@code out[outOff + i] = exp(x[off + i] - shift)} for i below n; returns their sum. */
    static double expShifted(float[] x, int off, int n, float shift, float[] out, int outOff) {
        if (VectorSupport.AVAILABLE) return ElementwiseVector.expShifted(x, off, n, shift, out, outOff);
        double sum = 0;
        for (int i = 0; i < n; i++) {
            float e = (float) Math.exp(x[off + i] - shift);
            out[outOff + i] = e;
            sum += e;
        }
        return sum;
    }
}
