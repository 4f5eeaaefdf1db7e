package io.neurite.behaviour;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurite.data.Dataset;
import io.neurite.explain.Activations;
import io.neurite.explain.Confusion;
import io.neurite.explain.GradCam;
import io.neurite.explain.Maps;
import io.neurite.explain.Maximize;
import io.neurite.explain.Occlusion;
import io.neurite.explain.Saliency;
import io.neurite.nn.Conv2d;
import io.neurite.nn.Dense;
import io.neurite.nn.Flatten;
import io.neurite.nn.GlobalAveragePooling2d;
import io.neurite.nn.Input;
import io.neurite.nn.Model;
import io.neurite.nn.Parameter;
import io.neurite.nn.Sequential;
import io.neurite.tensor.Scope;
import io.neurite.tensor.Tensor;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The explain package on a device: saliency against finite differences of a model computed in
 * double on the host, and occlusion, Grad-CAM, activations and the confusion matrix on a
 * hand-weighted CNN whose class 1 is decided by one known place: an isolated bright pixel (a
 * "spot"), with a horizontal bar elsewhere as a distractor that drives class 0.
 */
public abstract class ExplainBehaviour extends DeviceSuite {
    private static final int SIZE = 12, SPOT_Y = 8, SPOT_X = 3;

    /** Conv2d(2, 3x3, valid, relu) "conv": channel 0 finds spots, channel 1 horizontal bars; then mean, then Dense(2) "head". */
    private Model spotModel() {
        Model m = new Sequential(Input.of(1, SIZE, SIZE), new Conv2d(2, 3).activation("relu").named("conv"), new GlobalAveragePooling2d(),
                new Dense(2).named("head")).build(device, 1);
        float t = 1f / 3;
        set(m, "conv/kernel", new float[] {-1, -1, -1, -1, 1, -1, -1, -1, -1, -t, -t, -t, t, t, t, -t, -t, -t});
        set(m, "conv/bias", new float[] {0, -0.5f});
        set(m, "head/kernel", new float[] {0, 300, 300, 0});   // [in, units]: spots -> class 1, bars -> class 0
        set(m, "head/bias", new float[] {0, 0});
        return m;
    }

    private static void set(Model m, String name, float[] v) {
        for (Parameter p : m.parameters()) if (p.name().equals(name)) p.value().buffer().copyFrom(v);
    }

    /** A spot at (SPOT_Y, SPOT_X), a bar of 5 in row 2 (when bar), faint noise. */
    private static float[] image(boolean spot, boolean bar, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[SIZE * SIZE];
        for (int i = 0; i < x.length; i++) x[i] = 0.03f * (float) r.nextDouble();
        if (spot) x[SPOT_Y * SIZE + SPOT_X] = 1;
        if (bar) for (int c = 5; c < 10; c++) x[2 * SIZE + c] = 1;
        return x;
    }

    @Test
    void saliencyIsTheFiniteDifferenceOfTheClassScore() {
        try (Model m = new Sequential(Input.of(1, 3, 3), new Flatten(), new Dense(4).activation("tanh").named("h"), new Dense(3).named("o"))
                .build(device, 7)) {
            SplittableRandom r = new SplittableRandom(3);
            float[] b1 = {0.1f, -0.2f, 0.3f, 0.05f}, b2 = {0.2f, -0.1f, 0.15f};
            set(m, "h/bias", b1);
            set(m, "o/bias", b2);
            float[] w1 = weights(m, "h/kernel"), w2 = weights(m, "o/kernel");
            float[] x = new float[18];
            for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble(-1, 1);
            int[] classes = {2, 0};
            Maps s = Saliency.vanilla(m, x, classes), gx = Saliency.gradientTimesInput(m, x, classes);
            assertEquals(2, s.count());
            assertEquals(3, s.height());
            for (int n = 0; n < 2; n++) {
                for (int p = 0; p < 9; p++) {
                    double[] xd = new double[9];
                    for (int i = 0; i < 9; i++) xd[i] = x[n * 9 + i];
                    double h = 1e-5;
                    xd[p] += h;
                    double up = score(xd, w1, b1, w2, b2, classes[n]);
                    xd[p] -= 2 * h;
                    double fd = (up - score(xd, w1, b1, w2, b2, classes[n])) / (2 * h);
                    assertEquals(Math.abs(fd), s.get(n, p / 3, p % 3), 1e-4 * (1 + Math.abs(fd)), "sample " + n + " pixel " + p);
                    assertEquals(fd * x[n * 9 + p], gx.get(n, p / 3, p % 3), 1e-4 * (1 + Math.abs(fd)), "gradient x input, pixel " + p);
                }
            }
            // SmoothGrad without noise is the plain map; with noise it is seeded.
            float[] one = java.util.Arrays.copyOf(x, 9);
            assertArrayEquals(Saliency.vanilla(m, one, new int[] {1}).values(), Saliency.smoothGrad(m, one, 1, 3, 0, 5).values(), 1e-6f);
            assertArrayEquals(Saliency.smoothGrad(m, one, 1, 4, 0.2f, 5).values(), Saliency.smoothGrad(m, one, 1, 4, 0.2f, 5).values());
        }
    }

    private static float[] weights(Model m, String name) {
        for (Parameter p : m.parameters()) if (p.name().equals(name)) return p.value().toFloatArray();
        throw new AssertionError(name);
    }

    /** The 9-4-3 model in double: o = tanh(x W1 + b1) W2 + b2, output cls. */
    private static double score(double[] x, float[] w1, float[] b1, float[] w2, float[] b2, int cls) {
        double o = b2[cls];
        for (int j = 0; j < 4; j++) {
            double a = b1[j];
            for (int i = 0; i < 9; i++) a += x[i] * w1[i * 4 + j];
            o += Math.tanh(a) * w2[j * 3 + cls];
        }
        return o;
    }

    @Test
    void occlusionPeaksWhereTheClassIsDecided() {
        try (Model m = spotModel()) {
            Maps heat = new Occlusion(3, 1, 0f).batch(40).map(m, image(true, true, 1), 1);
            assertEquals(List.of(1, SIZE, SIZE), List.of(heat.count(), heat.height(), heat.width()));
            assertArrayEquals(new int[] {SPOT_Y, SPOT_X}, heat.argmax(0));
            assertTrue(heat.get(0, SPOT_Y, SPOT_X) > 0.05f, "hiding the spot lowers class 1's probability: " + heat.get(0, SPOT_Y, SPOT_X));
            assertTrue(heat.get(0, 2, 7) < 0, "hiding the bar raises it");
            // One batch or many give the same map.
            assertArrayEquals(heat.values(), new Occlusion(3, 1, 0f).map(m, image(true, true, 1), 1).values(), 1e-6f);
        }
    }

    @Test
    void gradCamHasTheInputSizeAndHighlightsTheDecidingPlace() {
        try (Model m = spotModel()) {
            float[] x = image(true, true, 2);
            Maps cam = GradCam.map(m, x, new int[] {1}, null);
            assertEquals(List.of(1, SIZE, SIZE), List.of(cam.count(), cam.height(), cam.width()));
            int[] peak = cam.argmax(0);
            assertTrue(Math.abs(peak[0] - SPOT_Y) <= 1 && Math.abs(peak[1] - SPOT_X) <= 1, java.util.Arrays.toString(peak));
            assertTrue(cam.sum(0, 0, 5, 4, 11) < 0.05 * cam.sum(0, 6, 11, 1, 6), "the bar's place stays dark for class 1");
            // For class 0 the bar lights up instead.
            int[] bar = GradCam.map(m, x, new int[] {0}, "conv").argmax(0);
            assertTrue(bar[0] <= 3 && bar[1] >= 5, java.util.Arrays.toString(bar));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GradCam.map(m, x, null, "head"));
            assertEquals("layer 'head' is a Dense, not a convolution (Conv2d)", e.getMessage());
            assertTrue(assertThrows(IllegalArgumentException.class, () -> GradCam.map(m, x, null, "nope")).getMessage().startsWith("no layer named 'nope'"));
        }
    }

    @Test
    void activationsAndFiltersAreTheLayersOwn() {
        try (Model m = spotModel()) {
            Maps a = Activations.of(m, image(true, false, 3), "conv");
            assertEquals(List.of(2, SIZE - 2, SIZE - 2), List.of(a.count(), a.height(), a.width()));
            assertArrayEquals(new int[] {SPOT_Y - 1, SPOT_X - 1}, a.argmax(0));
            assertEquals(1f, a.get(0, SPOT_Y - 1, SPOT_X - 1), 0.2f);
            Maps f = Activations.filters(m, null);
            assertEquals(List.of(2, 3, 3), List.of(f.count(), f.height(), f.width()));
            assertEquals(1f, f.get(0, 1, 1));
            assertEquals(-1f, f.get(0, 0, 0));
        }
    }

    @Test
    void activationMaximisationRaisesTheTargetAtEveryStep() {
        try (Model m = new Sequential(Input.of(1, 8, 8), new Conv2d(3, 3).activation("tanh").named("c"), new Flatten(), new Dense(4)).build(device, 5)) {
            Maximize.Result r = new Maximize().steps(15).rate(0.01f).l2(1e-3f).filter(m, "c", 1);
            float[] j = r.objective();
            assertEquals(16, j.length);
            for (int t = 1; t < j.length; t++) assertTrue(j[t] > j[t - 1], "step " + t + ": " + j[t - 1] + " -> " + j[t]);
            assertTrue(j[15] > j[0] + 0.05, j[0] + " -> " + j[15]);
            assertEquals(List.of(1, 8, 8), List.of(r.image().count(), r.image().height(), r.image().width()));
            float[] c = new Maximize().steps(10).rate(0.01f).classScore(m, 2).objective();
            for (int t = 1; t < c.length; t++) assertTrue(c[t] > c[t - 1], "class score, step " + t);
        }
    }

    @Test
    void confusionMatrixCountsEverySampleAndEveryMistake() {
        try (Model m = spotModel()) {
            int n = 30, flipped = 0;
            float[] x = new float[n * SIZE * SIZE];
            int[] y = new int[n];
            for (int i = 0; i < n; i++) {
                boolean spot = i % 2 == 1;
                System.arraycopy(image(spot, !spot, 10 + i), 0, x, i * SIZE * SIZE, SIZE * SIZE);
                y[i] = i % 7 == 0 ? 1 - (i % 2) : i % 2;   // some labels are wrong on purpose
                if (i % 7 == 0) flipped++;
            }
            Confusion c = Confusion.of(m, Dataset.ofLabels(x, new int[] {1, SIZE, SIZE}, y), 8);
            int sum = 0, diagonal = 0;
            for (int i = 0; i < 2; i++) for (int k = 0; k < 2; k++) sum += c.matrix()[i][k];
            for (int i = 0; i < 2; i++) diagonal += c.matrix()[i][i];
            assertEquals(n, sum);
            assertEquals(n - flipped, diagonal);
            assertEquals(diagonal, c.correct());
            assertEquals(flipped, c.allMistakes().size());
            for (int i = 1; i < c.allMistakes().size(); i++) assertTrue(c.allMistakes().get(i).confidence() <= c.allMistakes().get(i - 1).confidence());
            for (Confusion.Mistake k : c.mistakes(3)) {
                assertEquals(0, k.index() % 7);
                assertTrue(k.label() != k.predicted() && k.confidence() > 0.5f);
            }
            assertEquals("the evaluation data set is empty", assertThrows(IllegalArgumentException.class,
                    () -> Confusion.of(m, Dataset.ofLabels(new float[0], new int[] {1, SIZE, SIZE}, new int[0]), 8)).getMessage());
        }
    }

    @Test
    void namedLayerOutputsComeFromTheSamePassWithTheirGradients() {
        try (Model m = spotModel(); Scope s = Scope.open()) {
            Tensor in = Tensor.of(device, image(true, true, 4), 1, 1, SIZE, SIZE);
            Model.Outputs o = m.forward(in, io.neurite.nn.Mode.INFERENCE, "conv", "head");
            assertArrayEquals(o.output().toFloatArray(), o.layer("head").toFloatArray());
            o.output().sum().backward();
            assertArrayEquals(new int[] {1, 2, SIZE - 2, SIZE - 2}, o.layer("conv").grad().shape());
        }
    }
}
