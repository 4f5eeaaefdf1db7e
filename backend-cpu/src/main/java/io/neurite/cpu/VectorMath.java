package io.neurite.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Exponential, tanh, sigmoid and lane sums on float vectors that give the same bits however the
 * JVM runs them. The Vector API's own {@code lanewise(EXP)} and {@code lanewise(TANH)} call a SIMD
 * maths library once C2 compiles the loop but {@link Math} lane by lane before, and
 * {@code reduceLanes(ADD)} adds in a tree when compiled and in lane order when not; so the same
 * training run gave different weights in two processes, depending on when each loop was compiled.
 * These use only IEEE operations that round the same everywhere (add, multiply, fused
 * multiply-add, divide, min/max, integer bit arithmetic) in a fixed order.
 *
 * <p>Accuracy against {@link Math#exp} / {@link Math#tanh} rounded to float: within 2 ulp for
 * exp over its whole range (denormal results included) and tanh (checked on a sweep in the tests).
 * Recurrent gate kernels should use {@link #sigmoid} and {@link #tanh} too. Loaded only when
 * {@link VectorSupport#AVAILABLE}; callers pass vectors of {@code FloatVector.SPECIES_PREFERRED}.
 */
final class VectorMath {
    /** Adding 1.5 * 2^23 rounds a float below 2^22 in magnitude to an integer held in the low mantissa bits. */
    private static final float ROUNDER = 0x1.8p23f;
    private static final int ROUNDER_BITS = Float.floatToRawIntBits(ROUNDER);
    private static final float LOG2E = 1.44269504088896341f;
    /** ln 2 split in two (Cody and Waite): n * LN2_HI is exact for every n exp reaches. */
    private static final float LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f;
    /** Beyond these exp is infinite or zero in float; clamping keeps the exponent arithmetic in range. */
    private static final float EXP_MIN = -104f, EXP_MAX = 89f;
    /** Below this |x| tanh uses its odd polynomial; above, 1 - 2 / (e^2|x| + 1) loses at most a bit. */
    private static final float TANH_SMALL = 0.625f;

    private VectorMath() {
    }

    /**
     * e^x lane by lane: x = n ln2 + r with |r| at most ln2/2, a degree-7 polynomial for e^r
     * (Cephes' expf coefficients) and 2^n applied as two exact power-of-two factors, so a result
     * in the denormal range is rounded once. NaN gives NaN, +inf gives +inf and -inf gives 0.
     */
    static FloatVector exp(FloatVector x) {
        FloatVector xc = x.max(EXP_MIN).min(EXP_MAX);
        FloatVector t = xc.fma(LOG2E, ROUNDER);
        FloatVector n = t.sub(ROUNDER);
        FloatVector r = n.fma(FloatVector.broadcast(x.species(), -LN2_HI), xc);
        r = n.fma(FloatVector.broadcast(x.species(), -LN2_LO), r);
        FloatVector p = r.fma(1.9875691500e-4f, 1.3981999507e-3f);
        p = step(p, r, 8.3334519073e-3f);
        p = step(p, r, 4.1665795894e-2f);
        p = step(p, r, 1.6666665459e-1f);
        p = step(p, r, 5.0000001201e-1f);
        p = p.fma(r.mul(r), r).add(1f);
        IntVector ni = t.reinterpretAsInts().sub(ROUNDER_BITS);
        IntVector n1 = ni.lanewise(VectorOperators.ASHR, 1), n2 = ni.sub(n1);
        FloatVector s1 = n1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector s2 = n2.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return p.mul(s1).mul(s2);
    }

    /** tanh lane by lane: Cephes' odd polynomial near zero, {@code 1 - 2 / (e^2|x| + 1)} with x's sign beyond. */
    static FloatVector tanh(FloatVector x) {
        FloatVector z = x.mul(x);
        FloatVector p = z.fma(-5.70498872745e-3f, 2.06390887954e-2f);
        p = step(p, z, -5.37397155531e-2f);
        p = step(p, z, 1.33314422036e-1f);
        p = step(p, z, -3.33332819422e-1f);
        // x + x p z is +0 for x = -0 (+0 + -0), so a zero passes through untouched
        FloatVector small = p.mul(z).fma(x, x).blend(x, x.compare(VectorOperators.EQ, 0f));
        FloatVector ax = x.abs();
        FloatVector big = FloatVector.broadcast(x.species(), 1f).sub(FloatVector.broadcast(x.species(), 2f).div(exp(ax.add(ax)).add(1f)));
        big = big.blend(big.neg(), x.compare(VectorOperators.LT, 0f));
        return big.blend(small, ax.compare(VectorOperators.LT, TANH_SMALL));
    }

    /** {@code 1 / (1 + e^-x)}: exactly 0 for very negative x (e^-x is infinite), never inf/inf. */
    static FloatVector sigmoid(FloatVector x) {
        FloatVector one = FloatVector.broadcast(x.species(), 1f);
        return one.div(exp(x.neg()).add(one));
    }

    /** One Horner step, {@code p x + c}, rounded once. */
    private static FloatVector step(FloatVector p, FloatVector x, float c) {
        return p.fma(x, FloatVector.broadcast(x.species(), c));
    }

    /** The lanes of v added in lane order, in double. */
    static double sum(FloatVector v) {
        double s = 0;
        for (int l = 0; l < v.length(); l++) s += v.lane(l);
        return s;
    }
}
