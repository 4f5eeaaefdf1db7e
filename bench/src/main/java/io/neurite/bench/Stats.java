package io.neurite.bench;

import java.util.Arrays;

/** Timing helpers: medians over repeated runs, because this machine is noisy. */
final class Stats {
    private Stats() {
    }

    static double median(java.util.List<Double> v) {
        return median(v.stream().mapToDouble(d -> d).toArray());
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n == 0 ? Double.NaN : n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    /**
     * Runs body repeatedly: warm-up for warmupSeconds, then times single runs until minSeconds
     * have passed and at least minRuns were taken. Returns the seconds of each timed run.
     */
    static double[] time(Runnable body, double warmupSeconds, double minSeconds, int minRuns) {
        long end = System.nanoTime() + (long) (warmupSeconds * 1e9);
        do body.run(); while (System.nanoTime() < end);
        double[] runs = new double[16];
        int count = 0;
        long start = System.nanoTime();
        while (count < minRuns || System.nanoTime() - start < minSeconds * 1e9) {
            long t0 = System.nanoTime();
            body.run();
            double s = (System.nanoTime() - t0) / 1e9;
            if (count == runs.length) runs = Arrays.copyOf(runs, count * 2);
            runs[count++] = s;
        }
        return Arrays.copyOf(runs, count);
    }
}
