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

    boolean accepts(double actual, double expected) {
        if (Double.isNaN(expected)) return Double.isNaN(actual);
        if (Double.isInfinite(expected)) return actual == expected;
        return Math.abs(actual - expected) <= atol + rtol * Math.abs(expected);
    }
}
