package io.neurite.data;

import java.util.Arrays;

/**
 * Feature scaling: a constant factor (x/255 for 8-bit pixels) and mean/std standardisation whose
 * statistics come from the training data only, then are applied unchanged to validation and test
 * data (computing them on the test set would leak it into training).
 *
 * <pre>{@code
 * Dataset train = Scaling.rescale(raw, 1 / 255f);
 * Scaling.Standardizer s = Scaling.Standardizer.fit(train);  // per channel for [c, h, w] samples
 * train = s.apply(train);
 * test = s.apply(Scaling.rescale(rawTest, 1 / 255f));
 * }</pre>
 */
public final class Scaling {
    /** Added to the standard deviation before dividing, as Keras' featurewise_std_normalization does. */
    public static final double EPSILON = 1e-6;

    private Scaling() {
    }

    /** Every feature multiplied by factor, as a new dataset with the same labels or targets. */
    public static Dataset rescale(Dataset d, float factor) {
        float[] x = d.features(), out = new float[x.length];
        for (int i = 0; i < x.length; i++) out[i] = x[i] * factor;
        return d.withFeatures(out);
    }

    /**
     * Subtracts a mean and divides by a standard deviation (plus {@link #EPSILON}), per channel
     * for image samples [c, h, w] (Keras' featurewise_center and featurewise_std_normalization,
     * torchvision's Normalize), or with one mean and deviation for samples of any other rank.
     */
    public static final class Standardizer {
        private final double[] mean, std;
        private final int[] sampleShape;

        private Standardizer(double[] mean, double[] std, int[] sampleShape) {
            this.mean = mean;
            this.std = std;
            this.sampleShape = sampleShape;
        }

        /** Statistics of the given (training) data: population mean and standard deviation, in double. */
        public static Standardizer fit(Dataset train) {
            if (train.size() == 0) throw new IllegalArgumentException("cannot standardise with the statistics of an empty dataset");
            int[] shape = train.sampleShape();
            int channels = channels(shape), plane = train.sampleLength() / channels;
            double[] sum = new double[channels], sq = new double[channels];
            float[] x = train.features();
            // Two passes (mean, then squared deviations) keep the variance exact where a one-pass
            // sum of squares would cancel catastrophically for large, offset data.
            forEachChannelRun(x, train.size(), channels, plane, (c, from, to) -> {
                for (int i = from; i < to; i++) sum[c] += x[i];
            });
            long count = (long) train.size() * plane;
            double[] mean = new double[channels];
            for (int c = 0; c < channels; c++) mean[c] = sum[c] / count;
            forEachChannelRun(x, train.size(), channels, plane, (c, from, to) -> {
                for (int i = from; i < to; i++) sq[c] += (x[i] - mean[c]) * (x[i] - mean[c]);
            });
            double[] std = new double[channels];
            for (int c = 0; c < channels; c++) std[c] = Math.sqrt(sq[c] / count);
            return new Standardizer(mean, std, shape);
        }

        /** Given statistics (e.g. MNIST's well-known 0.1307 and 0.3081), one per channel or one in all. */
        public static Standardizer of(double[] mean, double[] std, int[] sampleShape) {
            if (mean.length != std.length || mean.length != channels(sampleShape)) {
                throw new IllegalArgumentException(mean.length + " means and " + std.length + " deviations for samples of shape "
                        + Arrays.toString(sampleShape) + " (" + channels(sampleShape) + " channels)");
            }
            return new Standardizer(mean.clone(), std.clone(), sampleShape.clone());
        }

        public double[] mean() {
            return mean.clone();
        }

        public double[] std() {
            return std.clone();
        }

        /** (x - mean) / (std + EPSILON), as a new dataset; the sample shape must be the fitted one. */
        public Dataset apply(Dataset d) {
            if (!Arrays.equals(d.sampleShape(), sampleShape)) {
                throw new IllegalArgumentException("standardiser fitted on samples of shape " + Arrays.toString(sampleShape)
                        + ", applied to " + Arrays.toString(d.sampleShape()));
            }
            int channels = mean.length, plane = d.sampleLength() / channels;
            float[] x = d.features(), out = new float[x.length];
            forEachChannelRun(x, d.size(), channels, plane, (c, from, to) -> {
                double m = mean[c], s = std[c] + EPSILON;
                for (int i = from; i < to; i++) out[i] = (float) ((x[i] - m) / s);
            });
            return d.withFeatures(out);
        }

        private static int channels(int[] sampleShape) {
            return sampleShape.length == 3 ? sampleShape[0] : 1;
        }
    }

    /** A contiguous run of one channel's values: [from, to) of the flat features. */
    @FunctionalInterface
    private interface ChannelRun {
        void accept(int channel, int from, int to);
    }

    /** Visits each sample's channel planes in memory order (NCHW makes each plane contiguous). */
    private static void forEachChannelRun(float[] x, int samples, int channels, int plane, ChannelRun run) {
        for (int s = 0, off = 0; s < samples; s++) {
            for (int c = 0; c < channels; c++, off += plane) run.accept(c, off, off + plane);
        }
    }
}
