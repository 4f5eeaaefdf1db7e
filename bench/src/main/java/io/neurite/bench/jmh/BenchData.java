package io.neurite.bench.jmh;

import java.util.SplittableRandom;

/** Seeded inputs for the JMH benchmarks: the same values on every run. */
final class BenchData {
    private BenchData() {
    }

    static float[] seeded(long seed, long len) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[Math.toIntExact(len)];
        for (int i = 0; i < v.length; i++) v[i] = (float) (2 * r.nextDouble() - 1);
        return v;
    }
}
