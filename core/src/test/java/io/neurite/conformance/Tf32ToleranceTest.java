package io.neurite.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The kit's TF32 tolerance is neither vacuous nor too tight: on the kit's largest GEMM (300 x 257 x
 * 513, alpha 1.5, inputs in [-1, 1]) it accepts every output computed from TF32-rounded inputs and
 * refuses the outputs from bfloat16-rounded ones (three fewer mantissa bits), against the exact
 * product of the FP32 inputs.
 */
class Tf32ToleranceTest {
    private static final int M = 300, N = 257, K = 513;
    private static final double ALPHA = 1.5;

    @Test
    void roundingKeepsTenMantissaBitsTiesToEven() {
        assertEquals(1f, Tolerance.toTf32(1f + 0x1p-12f)); // below half an ulp of TF32 (2^-11)
        assertEquals(1f + 0x1p-10f, Tolerance.toTf32(1f + 0x1p-10f + 0x1p-12f + 0x1p-13f));
        assertEquals(1f, Tolerance.toTf32(1f + 0x1p-11f)); // a tie: to the even mantissa
        assertEquals(1f + 0x1p-9f, Tolerance.toTf32(1f + 0x1p-10f + 0x1p-11f)); // a tie, odd below: up
        assertEquals(-3.25f, Tolerance.toTf32(-3.25f));
    }

    @Test
    void acceptsTf32RoundedInputsAndRefusesBfloat16() {
        float[] a = Inputs.uniform(77, M * K, -1, 1), b = Inputs.uniform(78, K * N, -1, 1);
        double[] exact = GemmCases.product(M, N, K, ALPHA, a, b);
        Tolerance tol = Tolerance.tf32(K, ALPHA);
        assertTrue(worstExcess(exact, GemmCases.product(M, N, K, ALPHA, rounded(a, 10), rounded(b, 10)), tol) <= 0,
                "TF32-rounded inputs within " + tol);
        assertFalse(worstExcess(exact, GemmCases.product(M, N, K, ALPHA, rounded(a, 7), rounded(b, 7)), tol) <= 0,
                "bfloat16-rounded inputs must be refused by " + tol);
    }

    private static float[] rounded(float[] v, int bits) {
        float[] r = new float[v.length];
        for (int i = 0; i < v.length; i++) r[i] = Tolerance.roundMantissa(v[i], bits);
        return r;
    }

    /** The largest amount by which an output misses the tolerance (<= 0: all accepted). */
    private static double worstExcess(double[] expected, double[] actual, Tolerance t) {
        double worst = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(actual[i] - expected[i]) - (t.atol() + t.rtol() * Math.abs(expected[i])));
        }
        return worst;
    }
}
