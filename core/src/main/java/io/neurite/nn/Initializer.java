package io.neurite.nn;

import java.util.SplittableRandom;

/**
 * How a weight starts, as Keras' initialisers: every one draws from a seeded generator, so the
 * same seed gives the same weights. fanIn and fanOut follow Keras: a dense kernel [in, units]
 * has fanIn = in, fanOut = units; a convolution [filters, c, kh, kw] has fanIn = c kh kw and
 * fanOut = filters kh kw.
 */
@FunctionalInterface
public interface Initializer {
    /** Fills values (of the given fans) from r. */
    void fill(float[] values, int fanIn, int fanOut, SplittableRandom r);

    static Initializer zeros() {
        return constant(0);
    }

    static Initializer ones() {
        return constant(1);
    }

    static Initializer constant(float c) {
        return (v, in, out, r) -> java.util.Arrays.fill(v, c);
    }

    static Initializer uniform(float lo, float hi) {
        return (v, in, out, r) -> {
            for (int i = 0; i < v.length; i++) v[i] = (float) (lo + (hi - lo) * r.nextDouble());
        };
    }

    static Initializer normal(float mean, float stddev) {
        return (v, in, out, r) -> {
            for (int i = 0; i < v.length; i++) v[i] = (float) (mean + stddev * gaussian(r));
        };
    }

    /** Normal, redrawn beyond two standard deviations (Keras' TruncatedNormal). */
    static Initializer truncatedNormal(float mean, float stddev) {
        return (v, in, out, r) -> {
            for (int i = 0; i < v.length; i++) v[i] = (float) (mean + stddev * truncated(r));
        };
    }

    /** Glorot/Xavier uniform: U(-l, l), l = sqrt(6 / (fanIn + fanOut)). Keras' default for kernels. */
    static Initializer glorotUniform() {
        return (v, in, out, r) -> uniform((float) -Math.sqrt(6.0 / (in + out)), (float) Math.sqrt(6.0 / (in + out))).fill(v, in, out, r);
    }

    /** Glorot/Xavier normal: truncated N(0, 2 / (fanIn + fanOut)), as Keras. */
    static Initializer glorotNormal() {
        return (v, in, out, r) -> truncatedNormal(0, (float) (Math.sqrt(2.0 / (in + out)) / 0.87962566103423978)).fill(v, in, out, r);
    }

    /** He uniform: U(-l, l), l = sqrt(6 / fanIn). */
    static Initializer heUniform() {
        return (v, in, out, r) -> uniform((float) -Math.sqrt(6.0 / in), (float) Math.sqrt(6.0 / in)).fill(v, in, out, r);
    }

    /** He normal: truncated N(0, 2 / fanIn), as Keras. */
    static Initializer heNormal() {
        return (v, in, out, r) -> truncatedNormal(0, (float) (Math.sqrt(2.0 / in) / 0.87962566103423978)).fill(v, in, out, r);
    }

    private static double gaussian(SplittableRandom r) {
        // Box-Muller: SplittableRandom has no nextGaussian of its own.
        double u = 1 - r.nextDouble(), w = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * w);
    }

    private static double truncated(SplittableRandom r) {
        double z;
        do z = gaussian(r); while (Math.abs(z) > 2);
        return z;
    }
}
