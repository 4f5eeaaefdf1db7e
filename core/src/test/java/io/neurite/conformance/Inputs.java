package io.neurite.conformance;

import java.util.SplittableRandom;

/** Seeded inputs for cases: the same seed gives the same numbers on every run and machine. */
public final class Inputs {
    /** The awkward sizes every size-parametrised case should visit. */
    public static final int[] AWKWARD = {1, 3, 7, 17, 33, 129};

    private Inputs() {
    }

    public static float[] uniform(long seed, int n, double lo, double hi) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (lo + (hi - lo) * r.nextDouble());
        return v;
    }

    public static int[] ints(long seed, int n, int bound) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] v = new int[n];
        for (int i = 0; i < n; i++) v[i] = r.nextInt(bound);
        return v;
    }

    public static double[] toDouble(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) d[i] = v[i];
        return d;
    }

    public static float[] toFloat(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) f[i] = (float) v[i];
        return f;
    }

    public static float[] toFloat(int[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) f[i] = v[i];
        return f;
    }

    public static double[] toDouble(int[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) d[i] = v[i];
        return d;
    }
}
