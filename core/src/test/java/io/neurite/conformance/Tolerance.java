package io.neurite.conformance;

/**
 * How close a device's result must be to the oracle's or the reference's: every element within
 * {@code atol + rtol |expected|}. Each op's catalog documents why it chose its numbers; float32
 * reductions of length k drift by about k * 6e-8 relative, which sets most of them.
 */
public record Tolerance(double atol, double rtol) {
    /** Exact: integer outputs, copies, masks. */
    public static final Tolerance EXACT = new Tolerance(0, 0);
    /** Elementwise maths on floats (one or two roundings, transcendental functions). */
    public static final Tolerance ELEMENTWISE = new Tolerance(1e-6, 1e-5);
    /** Dot products and reductions of up to a few thousand terms, summed in another order. */
    public static final Tolerance REDUCTION = new Tolerance(1e-4, 1e-4);

    /**
     * A GEMM with TF32 tensor cores ({@code -Dneurite.cuda.tf32=true}: cuBLAS, and an own kernel
     * with mma.sync where there is one) against the FP32 truth. TF32 keeps 10 of float32's 23
     * mantissa bits of each input, so each product a*b carries a relative error of up to 2^-10
     * (two roundings of 2^-11), random in sign; k of them, with |a b| <= 1 for inputs in [-1, 1],
     * add up to a few sqrt(k) 2^-10, scaled by |alpha|. Two such standard bounds, 2 sqrt(k) 2^-10
     * |alpha|, hold for every output of the kit's largest product with TF32-rounded inputs and
     * refuse the same product with bfloat16-rounded ones (8 bits), as Tf32ToleranceTest checks.
     * The FP32 accumulation adds {@link #REDUCTION}'s part.
     */
    public static Tolerance tf32(int k, double alpha) {
        return new Tolerance(2 * Math.sqrt(Math.max(1, k)) * Math.abs(alpha) / 1024 + 1e-4, 1e-4);
    }

    /** x rounded to TF32 (10 mantissa bits), to nearest, ties to even: what a TF32 tensor core multiplies. */
    public static float toTf32(float x) {
        return roundMantissa(x, 10);
    }

    /** x rounded to bits mantissa bits, to nearest, ties to even (finite x). */
    static float roundMantissa(float x, int bits) {
        int drop = 23 - bits, v = Float.floatToRawIntBits(x);
        int half = (1 << (drop - 1)) - 1 + ((v >>> drop) & 1);
        return Float.intBitsToFloat((v + half) & -(1 << drop));
    }

    boolean accepts(double actual, double expected) {
        if (Double.isNaN(expected)) return Double.isNaN(actual);
        if (Double.isInfinite(expected)) return actual == expected;
        return Math.abs(actual - expected) <= atol + rtol * Math.abs(expected);
    }
}
