package io.neurite.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link VectorMath} against {@link Math} on sweeps of the float line, and its special values. */
class VectorMathTest {
    private static final int POINTS = 1 << 20;

    @BeforeAll
    static void vectorApi() {
        assumeTrue(VectorSupport.AVAILABLE, "the Vector API is not enabled");
    }

    @Test
    void expIsWithinTwoUlpEverywhere() {
        assertEquals(0, worstUlps(VectorMath::exp, Math::exp, -105f, 90f), 2.0);
    }

    @Test
    void tanhIsWithinTwoUlpEverywhere() {
        assertEquals(0, worstUlps(VectorMath::tanh, Math::tanh, -12f, 12f), 2.0);
        assertEquals(0, worstUlps(VectorMath::tanh, Math::tanh, -0.01f, 0.01f), 2.0);
    }

    @Test
    void sigmoidIsWithinThreeUlp() {
        // below -88.7 e^-x overflows a float and the result is 0 (see the special values)
        assertEquals(0, worstUlps(VectorMath::sigmoid, x -> 1 / (1 + Math.exp(-x)), -88f, 100f), 3.0);
    }

    @Test
    void specialValues() {
        float[] x = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, 88.72f, 88.73f, -87.3f, -103.9f, -120f};
        float[] e = apply(VectorMath::exp, x), t = apply(VectorMath::tanh, x), s = apply(VectorMath::sigmoid, x);
        assertTrue(Float.isNaN(e[0]) && Float.isNaN(t[0]) && Float.isNaN(s[0]), "NaN stays NaN");
        assertEquals(Float.POSITIVE_INFINITY, e[1]);
        assertEquals(0f, e[2]);
        assertEquals(1f, e[3]);
        assertEquals(1f, t[1]);
        assertEquals(-1f, t[2]);
        assertEquals(Float.floatToIntBits(-0f), Float.floatToIntBits(t[4]), "tanh(-0) is -0");
        assertEquals(1f, s[1]);
        assertEquals(0f, s[2]);
        assertEquals(0.5f, s[3]);
        assertEquals((float) Math.exp(88.72f), e[5], 2 * Math.ulp((float) Math.exp(88.72f)));
        assertEquals(Float.POSITIVE_INFINITY, e[6]);
        assertEquals((float) Math.exp(-103.9f), e[8], Float.MIN_VALUE, "a denormal result");
        assertEquals(0f, e[9]);
    }

    @Test
    void lanesAreSummedInOrder() {
        VectorSpecies<Float> sp = FloatVector.SPECIES_PREFERRED;
        float[] v = new float[sp.length()];
        v[0] = 1e8f;
        for (int i = 1; i < v.length; i++) v[i] = 1f;
        double expected = 0;
        for (float f : v) expected += f;
        assertEquals(expected, VectorMath.sum(FloatVector.fromArray(sp, v, 0)));
    }

    /** The largest error in ulps of the float result over a sweep of [lo, hi) plus random points in it. */
    private static double worstUlps(UnaryOperator<FloatVector> f, DoubleUnaryOperator exact, float lo, float hi) {
        float[] x = new float[POINTS];
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < POINTS; i++) {
            x[i] = i % 2 == 0 ? lo + (hi - lo) * i / POINTS : (float) (lo + (hi - lo) * r.nextDouble());
        }
        float[] y = apply(f, x);
        double worst = 0;
        for (int i = 0; i < POINTS; i++) {
            float want = (float) exact.applyAsDouble(x[i]);
            double err = Math.abs((double) y[i] - want) / Math.ulp(want);
            if (!(err <= worst)) worst = err;
        }
        return worst;
    }

    private static float[] apply(UnaryOperator<FloatVector> f, float[] x) {
        VectorSpecies<Float> sp = FloatVector.SPECIES_PREFERRED;
        float[] padded = java.util.Arrays.copyOf(x, sp.loopBound(x.length + sp.length() - 1)), y = new float[padded.length];
        for (int i = 0; i < padded.length; i += sp.length()) f.apply(FloatVector.fromArray(sp, padded, i)).intoArray(y, i);
        return java.util.Arrays.copyOf(y, x.length);
    }
}
