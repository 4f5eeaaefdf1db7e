package io.neurite.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Augmentation against a naive double reference of the documented geometry (3x3 matrices
 * multiplied in full, each bilinear tap fetched separately), on awkward sizes, plus exact
 * checks of shifts, rotations, flips and the random draws.
 */
class AugmenterTest {
    private static float[] image(int c, int h, int w, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[c * h * w];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble();
        return x;
    }

    private static float[] run(Augmenter a, float[] src, int c, int h, int w, Augmenter.Transform t) {
        float[] out = new float[src.length];
        a.transform(src, 0, out, 0, c, h, w, t);
        return out;
    }

    @Test
    void matchesTheReferenceOnAwkwardSizes() {
        int[][] shapes = {{1, 1, 1}, {1, 3, 7}, {3, 7, 3}, {1, 17, 17}, {2, 28, 28}, {1, 33, 5}, {1, 129, 3}};
        Augmenter random = new Augmenter().rotationRange(40).widthShiftRange(0.2).heightShiftRange(2.5).shearRange(15).zoomRange(0.3)
                .horizontalFlip(true).verticalFlip(true);
        SplittableRandom seeds = new SplittableRandom(7);
        for (int[] s : shapes) {
            int c = s[0], h = s[1], w = s[2];
            float[] src = image(c, h, w, h * 100L + w);
            for (int trial = 0; trial < 4; trial++) {
                Augmenter.Transform t = random.randomTransform(seeds, h, w);
                for (boolean linear : new boolean[] {true, false}) {
                    for (float fill : new float[] {Float.NaN, -0.5f}) {
                        Augmenter a = new Augmenter().rescale(0.5f).interpolation(linear ? Augmenter.Interpolation.BILINEAR : Augmenter.Interpolation.NEAREST);
                        if (!Float.isNaN(fill)) a.fillConstant(fill);
                        float[] got = run(a, src, c, h, w, t);
                        double[] want = reference(src, c, h, w, t, linear, fill, 0.5);
                        for (int i = 0; i < want.length; i++) {
                            assertEquals(want[i], got[i], 1e-5, Arrays.toString(s) + " " + t + " linear " + linear + " fill " + fill + " at " + i);
                        }
                    }
                }
            }
        }
    }

    /** Output (r, c) samples the input at M·(r', c', 1), M = C·R·T·S·Z·C⁻¹, (r', c') the flipped position. */
    private static double[] reference(float[] src, int ch, int h, int w, Augmenter.Transform t, boolean linear, float fill, double rescale) {
        double th = Math.toRadians(t.theta()), sh = Math.toRadians(t.shear());
        double cr = (h - 1) / 2.0, cc = (w - 1) / 2.0;
        double[][] m = multiply(new double[][] {{1, 0, cr}, {0, 1, cc}, {0, 0, 1}},
                multiply(new double[][] {{Math.cos(th), -Math.sin(th), 0}, {Math.sin(th), Math.cos(th), 0}, {0, 0, 1}},
                        multiply(new double[][] {{1, 0, t.tx()}, {0, 1, t.ty()}, {0, 0, 1}},
                                multiply(new double[][] {{1, -Math.sin(sh), 0}, {0, Math.cos(sh), 0}, {0, 0, 1}},
                                        multiply(new double[][] {{t.zx(), 0, 0}, {0, t.zy(), 0}, {0, 0, 1}},
                                                new double[][] {{1, 0, -cr}, {0, 1, -cc}, {0, 0, 1}})))));
        double[] out = new double[ch * h * w];
        for (int k = 0; k < ch; k++) {
            for (int r = 0; r < h; r++) {
                for (int c = 0; c < w; c++) {
                    int rr = t.flipVertical() ? h - 1 - r : r, ccol = t.flipHorizontal() ? w - 1 - c : c;
                    double y = m[0][0] * rr + m[0][1] * ccol + m[0][2], x = m[1][0] * rr + m[1][1] * ccol + m[1][2];
                    double v;
                    if (linear) {
                        int y0 = (int) Math.floor(y), x0 = (int) Math.floor(x);
                        v = 0;
                        for (int dy = 0; dy <= 1; dy++) {
                            for (int dx = 0; dx <= 1; dx++) {
                                double weight = (dy == 0 ? 1 - (y - y0) : y - y0) * (dx == 0 ? 1 - (x - x0) : x - x0);
                                v += weight * pixel(src, k, h, w, y0 + dy, x0 + dx, fill);
                            }
                        }
                    } else {
                        v = pixel(src, k, h, w, (int) Math.floor(y + 0.5), (int) Math.floor(x + 0.5), fill);
                    }
                    out[(k * h + r) * w + c] = v * rescale;
                }
            }
        }
        return out;
    }

    private static double pixel(float[] src, int k, int h, int w, int y, int x, float fill) {
        boolean inside = y >= 0 && y < h && x >= 0 && x < w;
        if (!inside && !Float.isNaN(fill)) return fill;
        return src[(k * h + Math.clamp(y, 0, h - 1)) * w + Math.clamp(x, 0, w - 1)];
    }

    private static double[][] multiply(double[][] a, double[][] b) {
        double[][] c = new double[3][3];
        for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) for (int k = 0; k < 3; k++) c[i][j] += a[i][k] * b[k][j];
        return c;
    }

    @Test
    void shiftsRotatesAndFlipsExactly() {
        int h = 7, w = 7;
        float[] src = image(1, h, w, 3);
        Augmenter a = new Augmenter();
        float[] shifted = run(a, src, 1, h, w, new Augmenter.Transform(0, 0, 2, 0, 1, 1, false, false));
        float[] rotated = run(a, src, 1, h, w, new Augmenter.Transform(90, 0, 0, 0, 1, 1, false, false));
        float[] mirrored = run(a, src, 1, h, w, new Augmenter.Transform(0, 0, 0, 0, 1, 1, true, true));
        float[] zoomed = run(a, src, 1, h, w, new Augmenter.Transform(0, 0, 0, 0, 2, 2, false, false));
        for (int r = 0; r < h; r++) {
            for (int c = 0; c < w; c++) {
                assertEquals(src[r * w + Math.min(c + 2, w - 1)], shifted[r * w + c], 0, "ty = 2 reads two columns to the right");
                assertEquals(src[(h - 1 - c) * w + r], rotated[r * w + c], 1e-6, "90 degrees about the centre");
                assertEquals(src[(h - 1 - r) * w + (w - 1 - c)], mirrored[r * w + c], 0, "both flips");
                int zr = 2 * r - 3, zc = 2 * c - 3;
                if (zr >= 0 && zr < h && zc >= 0 && zc < w) {
                    assertEquals(src[zr * w + zc], zoomed[r * w + c], 0, "zoom 2 reads every other pixel around the centre");
                }
            }
        }
        assertArrayEquals(src, run(a, src, 1, h, w, Augmenter.Transform.IDENTITY), "identity");
    }

    @Test
    void augmentsBatchesInPlaceRepeatablyPerSeed() {
        int n = 5, len = 28 * 28;
        float[] batch = image(n, 28, 28, 11), copy = batch.clone(), again = batch.clone(), other = batch.clone();
        Augmenter a = Augmenter.mnistDefault();
        a.apply(batch, n, new int[] {1, 28, 28}, 42);
        a.apply(again, n, new int[] {1, 28, 28}, 42);
        a.apply(other, n, new int[] {28, 28}, 43);
        assertArrayEquals(batch, again, "the same seed gives the same images");
        assertFalse(Arrays.equals(batch, other), "another seed gives other images");
        for (int s = 0; s < n; s++) {
            float[] one = Arrays.copyOfRange(copy, s * len, (s + 1) * len);
            assertFalse(Arrays.equals(one, Arrays.copyOfRange(batch, s * len, (s + 1) * len)), "sample " + s + " was transformed");
        }
        float[] untouched = copy.clone();
        new Augmenter().apply(untouched, n, new int[] {1, 28, 28}, 1);
        assertArrayEquals(copy, untouched, "no ranges: no change");
        float[] scaled = copy.clone();
        new Augmenter().rescale(1 / 255f).apply(scaled, n, new int[] {1, 28, 28}, 1);
        for (int i = 0; i < scaled.length; i++) assertEquals(copy[i] / 255f, scaled[i], 1e-9);
        assertThrows(IllegalArgumentException.class, () -> a.apply(new float[784], 1, new int[] {784}, 0));
        assertThrows(IllegalArgumentException.class, () -> a.apply(new float[784], 2, new int[] {1, 28, 28}, 0));
        assertThrows(IllegalArgumentException.class, () -> new Augmenter().rotationRange(-1));
        assertThrows(IllegalArgumentException.class, () -> new Augmenter().zoomRange(1.5));
    }

    @Test
    void drawsParametersUniformlyWithinTheRanges() {
        Augmenter a = new Augmenter().rotationRange(10).widthShiftRange(0.1).heightShiftRange(3).shearRange(5).zoomRange(0.8, 1.2)
                .horizontalFlip(true);
        SplittableRandom r = new SplittableRandom(1);
        int n = 4000, flips = 0, vflips = 0;
        double thetaSum = 0, zoomMin = 2, zoomMax = 0;
        for (int i = 0; i < n; i++) {
            Augmenter.Transform t = a.randomTransform(r, 20, 30);
            assertTrue(Math.abs(t.theta()) <= 10 && Math.abs(t.ty()) <= 3 && Math.abs(t.tx()) <= 3 && Math.abs(t.shear()) <= 5, t.toString());
            zoomMin = Math.min(zoomMin, Math.min(t.zx(), t.zy()));
            zoomMax = Math.max(zoomMax, Math.max(t.zx(), t.zy()));
            thetaSum += t.theta();
            flips += t.flipHorizontal() ? 1 : 0;
            vflips += t.flipVertical() ? 1 : 0;
        }
        assertTrue(zoomMin >= 0.8 && zoomMin < 0.81 && zoomMax < 1.2 && zoomMax > 1.19, zoomMin + " " + zoomMax);
        assertEquals(0, thetaSum / n, 0.3, "rotations centred on 0");
        assertEquals(0.5, flips / (double) n, 0.03);
        assertEquals(0, vflips, "vertical flips are off");
    }

    @Test
    void keepsMostOfACentredDigitUnderTheMnistDefault() {
        float[] digit = new float[28 * 28];
        for (int r = 9; r < 19; r++) for (int c = 11; c < 17; c++) digit[r * 28 + c] = 1;
        double before = sum(digit);
        float[] batch = new float[50 * 784];
        for (int s = 0; s < 50; s++) System.arraycopy(digit, 0, batch, s * 784, 784);
        Augmenter.mnistDefault().apply(batch, 50, new int[] {1, 28, 28}, 5);
        for (int s = 0; s < 50; s++) {
            double after = sum(Arrays.copyOfRange(batch, s * 784, (s + 1) * 784));
            assertEquals(before, after, 0.35 * before, "zoom 0.9-1.1 changes the area by at most ~20%; nothing is cut off");
        }
    }

    private static double sum(float[] x) {
        double s = 0;
        for (float v : x) s += v;
        return s;
    }
}
