package io.neurite.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Rescaling, standardisation with training statistics (against a naive double reference), and one-hot targets. */
class ScalingTest {
    private static Dataset random(int n, int[] shape, long seed, double offset, double spread) {
        int len = 1;
        for (int d : shape) len *= d;
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n * len];
        for (int i = 0; i < x.length; i++) x[i] = (float) (offset + spread * r.nextGaussian());
        int[] y = new int[n];
        for (int i = 0; i < n; i++) y[i] = r.nextInt(10);
        return Dataset.ofLabels(x, shape, y);
    }

    @Test
    void rescalesEveryValueAndKeepsTheLabels() {
        Dataset d = Dataset.ofLabels(new float[] {0, 51, 255, 128}, new int[] {2}, new int[] {3, 1});
        Dataset s = Scaling.rescale(d, 1 / 255f);
        assertArrayEquals(new float[] {0, 0.2f, 1, 128 / 255f}, s.features(), 1e-7f);
        assertSame(d.labels(), s.labels());
        assertArrayEquals(new float[] {0, 51, 255, 128}, d.features(), "the source is unchanged");
    }

    @Test
    void standardisesPerChannelWithTrainingStatistics() {
        int[][] shapes = {{3, 7, 5}, {1, 28, 28}, {2, 1, 1}, {17}, {4, 33}};
        for (int[] shape : shapes) {
            for (int n : new int[] {1, 3, 129}) {
                Dataset train = random(n, shape, n * 31L + shape.length, 1000, 3), test = random(7, shape, 5, 990, 2);
                Scaling.Standardizer s = Scaling.Standardizer.fit(train);
                int channels = shape.length == 3 ? shape[0] : 1;
                double[][] ref = referenceStats(train.features(), n, channels);
                assertArrayEquals(ref[0], s.mean(), 1e-9);
                assertArrayEquals(ref[1], s.std(), 1e-9);
                Dataset out = s.apply(test);
                int plane = test.sampleLength() / channels;
                for (int i = 0; i < out.features().length; i++) {
                    int c = (i / plane) % channels;
                    double want = (test.features()[i] - ref[0][c]) / (ref[1][c] + Scaling.EPSILON);
                    assertEquals(want, out.features()[i], 1e-4 * Math.max(1, Math.abs(want)));
                }
            }
        }
    }

    @Test
    void trainingDataComesOutWithZeroMeanAndUnitDeviation() {
        Dataset train = random(200, new int[] {3, 4, 4}, 9, 50, 7);
        Scaling.Standardizer s = Scaling.Standardizer.fit(train);
        double[][] after = referenceStats(s.apply(train).features(), 200, 3);
        for (int c = 0; c < 3; c++) {
            assertEquals(0, after[0][c], 1e-5);
            assertEquals(1, after[1][c], 1e-5);
        }
    }

    @Test
    void appliesGivenStatisticsAndRefusesMismatches() {
        Dataset d = Dataset.ofLabels(new float[] {0.1307f, 0.4388f}, new int[] {1, 1, 1}, new int[] {0, 1});
        Dataset out = Scaling.Standardizer.of(new double[] {0.1307}, new double[] {0.3081}, new int[] {1, 1, 1}).apply(d);
        assertArrayEquals(new float[] {0, 1}, out.features(), 1e-5f);
        assertThrows(IllegalArgumentException.class, () -> Scaling.Standardizer.of(new double[] {0, 0}, new double[] {1, 1}, new int[] {1, 2, 2}));
        Scaling.Standardizer s = Scaling.Standardizer.fit(random(4, new int[] {2, 3, 3}, 1, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> s.apply(random(4, new int[] {3, 3, 2}, 1, 0, 1)));
        assertThrows(IllegalArgumentException.class, () -> Scaling.Standardizer.fit(random(0, new int[] {2}, 1, 0, 1)));
    }

    @Test
    void oneHotRowsHaveAOneAtTheLabel() {
        assertArrayEquals(new float[] {0, 0, 1, 1, 0, 0, 0, 1, 0}, Dataset.oneHot(new int[] {2, 0, 1}, 3));
        Dataset d = Dataset.ofLabels(new float[] {1, 2, 3}, new int[] {1}, new int[] {2, 0, 1}).toOneHot(4);
        assertEquals(4, d.targetWidth());
        assertArrayEquals(new float[] {0, 0, 1, 0, 1, 0, 0, 0, 0, 1, 0, 0}, d.targets());
        assertThrows(IllegalArgumentException.class, () -> Dataset.oneHot(new int[] {3}, 3));
        assertThrows(IllegalArgumentException.class, () -> d.toOneHot(4));
    }

    /** Per-channel mean and population deviation in double, the obvious way. */
    private static double[][] referenceStats(float[] x, int n, int channels) {
        int plane = x.length / n / channels;
        double[] mean = new double[channels], std = new double[channels];
        for (int c = 0; c < channels; c++) {
            double sum = 0;
            for (int s = 0; s < n; s++) for (int i = 0; i < plane; i++) sum += x[(s * channels + c) * plane + i];
            mean[c] = sum / ((double) n * plane);
            double sq = 0;
            for (int s = 0; s < n; s++) for (int i = 0; i < plane; i++) sq += Math.pow(x[(s * channels + c) * plane + i] - mean[c], 2);
            std[c] = Math.sqrt(sq / ((double) n * plane));
        }
        return new double[][] {mean, std};
    }
}
