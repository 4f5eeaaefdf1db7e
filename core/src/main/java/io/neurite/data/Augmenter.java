package io.neurite.data;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * On-the-fly image augmentation as Keras' {@code ImageDataGenerator}: random rotation, height and
 * width shift, shear and zoom (one affine map per sample, sampled bilinearly or by nearest
 * neighbour), random horizontal and vertical flips, then a rescale factor. Each sample of a batch
 * draws its own transform from a generator seeded per batch, so a run is repeatable and a resumed
 * run sees the same images.
 *
 * <pre>{@code
 * Augmenter aug = new Augmenter().rotationRange(10).widthShiftRange(0.1).heightShiftRange(0.1).zoomRange(0.1);
 * trainer.fit(train, new FitOptions().seed(42).batchTransform(aug::apply));   // training batches only
 * }</pre>
 *
 * <p>Geometry, in (row, column) pixel coordinates as SciPy's affine_transform: output pixel p
 * samples the input at {@code C·R·T·S·Z·C⁻¹·p}, where C moves the origin to the image centre
 * ((h-1)/2, (w-1)/2; keras-preprocessing's last release uses this centre, earlier ones h/2 + 0.5,
 * a pixel off), R rotates by theta, T shifts by (tx rows, ty columns), S shears and Z scales
 * rows by zx and columns by zy. As in Keras, a zoom factor above 1 samples a larger area, so the
 * content shrinks. Points outside the input take the nearest edge pixel (fill mode "nearest",
 * Keras' default) or a constant. Samples are NCHW; every channel gets the sample's transform.
 *
 * <p>Configure it once, before training: {@link #apply} only reads the settings, so it may run on
 * several threads at once.
 */
public final class Augmenter {
    /** How a fractional source position is read. */
    public enum Interpolation {
        /** Keras' interpolation_order 0. */
        NEAREST,
        /** Keras' default, interpolation_order 1. */
        BILINEAR
    }

    /** One sample's transform: angles in degrees, shifts in pixels, zooms as factors. */
    public record Transform(double theta, double tx, double ty, double shear, double zx, double zy, boolean flipHorizontal,
                            boolean flipVertical) {
        public static final Transform IDENTITY = new Transform(0, 0, 0, 0, 1, 1, false, false);

        boolean isAffineIdentity() {
            return theta == 0 && tx == 0 && ty == 0 && shear == 0 && zx == 1 && zy == 1;
        }
    }

    private double rotation, widthShift, heightShift, shear, zoomLow = 1, zoomHigh = 1;
    private boolean horizontalFlip, verticalFlip;
    private float rescale = 1, fill = Float.NaN;
    private Interpolation interpolation = Interpolation.BILINEAR;

    /** What the MNIST job's --augment uses: rotation 10 degrees, shifts 0.1, zoom 0.1, no flips (digits are not symmetric). */
    public static Augmenter mnistDefault() {
        return new Augmenter().rotationRange(10).widthShiftRange(0.1).heightShiftRange(0.1).zoomRange(0.1);
    }

    /** Rotations uniform in [-degrees, degrees). */
    public Augmenter rotationRange(double degrees) {
        rotation = nonNegative("rotation range", degrees);
        return this;
    }

    /** Column shifts uniform in [-r, r): a fraction of the width if r &lt; 1, else pixels. */
    public Augmenter widthShiftRange(double r) {
        widthShift = nonNegative("width shift range", r);
        return this;
    }

    /** Row shifts uniform in [-r, r): a fraction of the height if r &lt; 1, else pixels. */
    public Augmenter heightShiftRange(double r) {
        heightShift = nonNegative("height shift range", r);
        return this;
    }

    /** Shear angles uniform in [-degrees, degrees). */
    public Augmenter shearRange(double degrees) {
        shear = nonNegative("shear range", degrees);
        return this;
    }

    /** Zoom factors uniform in [1 - z, 1 + z), drawn separately for rows and columns. */
    public Augmenter zoomRange(double z) {
        return zoomRange(1 - z, 1 + z);
    }

    public Augmenter zoomRange(double low, double high) {
        if (!(low > 0 && high >= low)) throw new IllegalArgumentException("zoom range must satisfy 0 < low <= high, got [" + low + ", " + high + "]");
        zoomLow = low;
        zoomHigh = high;
        return this;
    }

    /** Mirrors left-right with probability 1/2. */
    public Augmenter horizontalFlip(boolean on) {
        horizontalFlip = on;
        return this;
    }

    /** Mirrors top-bottom with probability 1/2. */
    public Augmenter verticalFlip(boolean on) {
        verticalFlip = on;
        return this;
    }

    /** Multiplies every value after the other transformations (Keras' rescale, e.g. 1/255). */
    public Augmenter rescale(float factor) {
        rescale = factor;
        return this;
    }

    public Augmenter interpolation(Interpolation i) {
        interpolation = i;
        return this;
    }

    /** Fills points outside the input with value (Keras' fill_mode "constant", cval) instead of the nearest edge pixel. */
    public Augmenter fillConstant(float value) {
        fill = value;
        return this;
    }

    /** Fills points outside the input with the nearest edge pixel (the default). */
    public Augmenter fillNearest() {
        fill = Float.NaN;
        return this;
    }

    /**
     * Augments a batch in place: x holds n samples of sampleShape ([c, h, w], or [h, w] for one
     * channel); seed fixes every sample's transform. The signature fits FitOptions' batch transform.
     */
    public void apply(float[] x, int n, int[] sampleShape, long seed) {
        int c, h, w;
        if (sampleShape.length == 3) {
            c = sampleShape[0];
            h = sampleShape[1];
            w = sampleShape[2];
        } else if (sampleShape.length == 2) {
            c = 1;
            h = sampleShape[0];
            w = sampleShape[1];
        } else {
            throw new IllegalArgumentException("augmentation needs image samples [c, h, w] or [h, w], not " + Arrays.toString(sampleShape));
        }
        int len = c * h * w;
        if ((long) n * len > x.length) throw new IllegalArgumentException(n + " samples of " + Arrays.toString(sampleShape) + " but " + x.length + " values");
        SplittableRandom random = new SplittableRandom(seed);
        float[] src = new float[len];
        for (int s = 0; s < n; s++) {
            System.arraycopy(x, s * len, src, 0, len);
            transform(src, 0, x, s * len, c, h, w, randomTransform(random, h, w));
        }
    }

    /** Draws one sample's transform, in Keras' order: rotation, height shift, width shift, shear, zoom, flips. */
    public Transform randomTransform(SplittableRandom r, int h, int w) {
        double theta = symmetric(r, rotation);
        double tx = symmetric(r, heightShift) * (heightShift < 1 ? h : 1);
        double ty = symmetric(r, widthShift) * (widthShift < 1 ? w : 1);
        double sh = symmetric(r, shear);
        double zx = 1, zy = 1;
        if (zoomLow != 1 || zoomHigh != 1) {
            zx = zoomLow + (zoomHigh - zoomLow) * r.nextDouble();
            zy = zoomLow + (zoomHigh - zoomLow) * r.nextDouble();
        }
        boolean fh = horizontalFlip && r.nextDouble() < 0.5, fv = verticalFlip && r.nextDouble() < 0.5;
        return new Transform(theta, tx, ty, sh, zx, zy, fh, fv);
    }

    /** Writes the transformed sample src[srcOff..] ([c, h, w]) to dst[dstOff..]; src and dst must not overlap. */
    public void transform(float[] src, int srcOff, float[] dst, int dstOff, int c, int h, int w, Transform t) {
        double[] m = inputMatrix(t, h, w);
        boolean affine = !t.isAffineIdentity(), linear = interpolation == Interpolation.BILINEAR;
        for (int ch = 0; ch < c; ch++) {
            int in = srcOff + ch * h * w, out = dstOff + ch * h * w;
            for (int r = 0; r < h; r++) {
                // A flip of the result is the same as reading the mirrored output position.
                int rr = t.flipVertical() ? h - 1 - r : r;
                for (int col = 0; col < w; col++) {
                    int cc = t.flipHorizontal() ? w - 1 - col : col;
                    float v = affine
                            ? Bilinear.sample(src, in, h, w, m[0] * rr + m[1] * cc + m[2], m[3] * rr + m[4] * cc + m[5], linear, fill)
                            : src[in + rr * w + cc];
                    dst[out + r * w + col] = v * rescale;
                }
            }
        }
    }

    /**
     * The 2x3 map, row-major, from an output (row, column) to the input position it samples:
     * {@code C·R·T·S·Z·C⁻¹} as the class documentation describes.
     */
    public static double[] inputMatrix(Transform t, int h, int w) {
        double th = Math.toRadians(t.theta()), sh = Math.toRadians(t.shear());
        double[] rotate = {Math.cos(th), -Math.sin(th), 0, Math.sin(th), Math.cos(th), 0};
        double[] shift = {1, 0, t.tx(), 0, 1, t.ty()};
        double[] shearing = {1, -Math.sin(sh), 0, 0, Math.cos(sh), 0};
        double[] zoom = {t.zx(), 0, 0, 0, t.zy(), 0};
        double cr = (h - 1) / 2.0, cc = (w - 1) / 2.0;
        return compose(compose(compose(compose(compose(new double[] {1, 0, cr, 0, 1, cc}, rotate), shift), shearing), zoom),
                new double[] {1, 0, -cr, 0, 1, -cc});
    }

    /** a·b for affine maps stored as the top two rows of 3x3 matrices. */
    private static double[] compose(double[] a, double[] b) {
        return new double[] {
            a[0] * b[0] + a[1] * b[3], a[0] * b[1] + a[1] * b[4], a[0] * b[2] + a[1] * b[5] + a[2],
            a[3] * b[0] + a[4] * b[3], a[3] * b[1] + a[4] * b[4], a[3] * b[2] + a[4] * b[5] + a[5]};
    }

    /** Uniform in [-range, range), or 0 without drawing when range is 0 (as Keras skips unused draws). */
    private static double symmetric(SplittableRandom r, double range) {
        return range == 0 ? 0 : (2 * r.nextDouble() - 1) * range;
    }

    private static double nonNegative(String what, double v) {
        if (!(v >= 0) || Double.isInfinite(v)) throw new IllegalArgumentException(what + " must be a finite non-negative number, got " + v);
        return v;
    }
}
