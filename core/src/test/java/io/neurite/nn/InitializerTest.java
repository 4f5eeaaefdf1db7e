package io.neurite.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurite.optim.LearningRateSchedule;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Known statistics of the initialisers and known values of the learning-rate schedules. */
class InitializerTest {
    private static double[] stats(Initializer init, int fanIn, int fanOut) {
        float[] v = new float[200_000];
        init.fill(v, fanIn, fanOut, new SplittableRandom(1));
        double sum = 0, sq = 0, max = 0;
        for (float f : v) {
            sum += f;
            sq += f * f;
            max = Math.max(max, Math.abs(f));
        }
        double mean = sum / v.length;
        return new double[] {mean, Math.sqrt(sq / v.length - mean * mean), max};
    }

    @Test
    void variancesFollowKeras() {
        // Glorot uniform: U(-l, l) with l = sqrt(6 / (in + out)), so std = l / sqrt(3) = sqrt(2 / (in + out)).
        double[] g = stats(Initializer.glorotUniform(), 300, 100);
        assertEquals(Math.sqrt(2.0 / 400), g[1], 2e-4);
        assertTrue(g[2] <= Math.sqrt(6.0 / 400));
        // He normal: std sqrt(2 / in) after truncation at two standard deviations.
        double[] h = stats(Initializer.heNormal(), 50, 10);
        assertEquals(Math.sqrt(2.0 / 50), h[1], 2e-3);
        assertTrue(h[2] <= 2 * Math.sqrt(2.0 / 50) / 0.87962566103423978 + 1e-6);
        double[] xn = stats(Initializer.glorotNormal(), 30, 70);
        assertEquals(Math.sqrt(2.0 / 100), xn[1], 2e-3);
        double[] hu = stats(Initializer.heUniform(), 40, 1);
        assertEquals(Math.sqrt(2.0 / 40), hu[1], 2e-3);
        double[] n = stats(Initializer.normal(1, 0.5f), 1, 1);
        assertEquals(1, n[0], 5e-3);
        assertEquals(0.5, n[1], 5e-3);
        double[] t = stats(Initializer.truncatedNormal(0, 1), 1, 1);
        assertTrue(t[2] <= 2);
        assertEquals(0, stats(Initializer.constant(0), 1, 1)[2]);
    }

    @Test
    void theSameSeedGivesTheSameValues() {
        float[] a = new float[10], b = new float[10];
        Initializer.heUniform().fill(a, 5, 5, new SplittableRandom(3));
        Initializer.heUniform().fill(b, 5, 5, new SplittableRandom(3));
        assertArrayEquals(a, b);
    }

    @Test
    void schedulesGiveKerasValues() {
        LearningRateSchedule exp = LearningRateSchedule.exponentialDecay(10, 0.5f, false);
        assertEquals(0.1f, exp.at(1, 0.1f), 1e-7);
        assertEquals(0.05f, exp.at(11, 0.1f), 1e-7);
        LearningRateSchedule stairs = LearningRateSchedule.exponentialDecay(10, 0.5f, true);
        assertEquals(0.1f, stairs.at(10, 0.1f), 1e-7);
        assertEquals(0.05f, stairs.at(11, 0.1f), 1e-7);
        LearningRateSchedule time = LearningRateSchedule.timeBased(0.01f);
        assertEquals(0.1f / (1 + 0.01f * 99), time.at(100, 0.1f), 1e-7);
    }
}
