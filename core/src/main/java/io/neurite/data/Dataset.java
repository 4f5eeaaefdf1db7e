package io.neurite.data;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Samples held on the host: features [size, sample shape...] as floats, and either int labels
 * (for sparse losses) or float targets [size, width] (one-hot or regression). Training uploads
 * one batch at a time.
 *
 * <pre>{@code
 * float[] pixels = new float[n * 28 * 28];   // n images of 1 x 28 x 28, one after another
 * int[] labels = new int[n];                  // a class index per image
 * Dataset train = Dataset.ofLabels(pixels, new int[] {1, 28, 28}, labels);
 * Dataset[] parts = train.split(0.9);   // train / validation
 * }</pre>
 *
 * Images are NCHW. Channels-last data ([h, w, c] per sample, as Keras loads it) must be
 * transposed first: {@link #channelsLastToFirst}.
 */
public final class Dataset {
    private final float[] features;
    private final int[] sampleShape;
    private final int[] labels;
    private final float[] targets;
    private final int targetWidth;
    private final int size;

    private Dataset(float[] features, int[] sampleShape, int[] labels, float[] targets, int targetWidth) {
        long sample = 1;
        for (int d : sampleShape) sample *= d;
        if (sample == 0 || features.length % sample != 0) {
            throw new IllegalArgumentException(features.length + " feature values are not whole samples of shape " + Arrays.toString(sampleShape));
        }
        this.size = (int) (features.length / sample);
        if (labels != null && labels.length != size) {
            throw new IllegalArgumentException(size + " samples but " + labels.length + " labels");
        }
        if (targets != null && targets.length != (long) size * targetWidth) {
            throw new IllegalArgumentException(size + " samples but " + targets.length + " target values (width " + targetWidth + ")");
        }
        this.features = features;
        this.sampleShape = sampleShape.clone();
        this.labels = labels;
        this.targets = targets;
        this.targetWidth = targetWidth;
    }

    public static Dataset ofLabels(float[] features, int[] sampleShape, int[] labels) {
        return new Dataset(features, sampleShape, labels, null, 0);
    }

    public static Dataset ofTargets(float[] features, int[] sampleShape, float[] targets, int targetWidth) {
        return new Dataset(features, sampleShape, null, targets, targetWidth);
    }

    public int size() {
        return size;
    }

    public int[] sampleShape() {
        return sampleShape.clone();
    }

    public int sampleLength() {
        return features.length / Math.max(1, size);
    }

    public boolean hasLabels() {
        return labels != null;
    }

    public int targetWidth() {
        return targetWidth;
    }

    /** The raw features (not a copy). */
    public float[] features() {
        return features;
    }

    /** The labels (not a copy), or null. */
    public int[] labels() {
        return labels;
    }

    /** The float targets (not a copy), or null. */
    public float[] targets() {
        return targets;
    }

    /** The same labels or targets with other features of the same sample shape (what scaling returns). */
    public Dataset withFeatures(float[] newFeatures) {
        if (newFeatures.length != features.length) {
            throw new IllegalArgumentException(newFeatures.length + " feature values to replace " + features.length);
        }
        return new Dataset(newFeatures, sampleShape, labels, targets, targetWidth);
    }

    /** This labelled dataset with one-hot float targets of width classes instead of its int labels. */
    public Dataset toOneHot(int classes) {
        if (labels == null) throw new IllegalArgumentException("one-hot needs int labels; this dataset has float targets");
        return new Dataset(features, sampleShape, null, oneHot(labels, classes), classes);
    }

    /** Labels as rows of width classes with a 1 at the label (Keras' to_categorical). */
    public static float[] oneHot(int[] labels, int classes) {
        float[] out = new float[labels.length * classes];
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException("label " + labels[i] + " at index " + i + " is not in [0, " + classes + ")");
            }
            out[i * classes + labels[i]] = 1;
        }
        return out;
    }

    /** Samples [from, to) as a new dataset. */
    public Dataset slice(int from, int to) {
        if (from < 0 || to > size || from > to) throw new IllegalArgumentException("slice [" + from + ", " + to + ") of " + size + " samples");
        int len = sampleLength();
        return new Dataset(Arrays.copyOfRange(features, from * len, to * len), sampleShape,
                labels == null ? null : Arrays.copyOfRange(labels, from, to),
                targets == null ? null : Arrays.copyOfRange(targets, from * targetWidth, to * targetWidth), targetWidth);
    }

    /** The first fraction and the rest, in order (Keras' validation_split takes the last part). */
    public Dataset[] split(double fraction) {
        int cut = (int) Math.round(size * fraction);
        return new Dataset[] {slice(0, cut), slice(cut, size)};
    }

    /** A permutation of the sample indices from a seed (Fisher-Yates). */
    public int[] shuffledOrder(long seed) {
        int[] order = new int[size];
        for (int i = 0; i < size; i++) order[i] = i;
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = size - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    /** Copies the features of samples order[from..to) into dst. */
    public void gatherFeatures(int[] order, int from, int to, float[] dst) {
        int len = sampleLength();
        for (int i = from; i < to; i++) System.arraycopy(features, order[i] * len, dst, (i - from) * len, len);
    }

    public void gatherLabels(int[] order, int from, int to, int[] dst) {
        for (int i = from; i < to; i++) dst[i - from] = labels[order[i]];
    }

    public void gatherTargets(int[] order, int from, int to, float[] dst) {
        for (int i = from; i < to; i++) System.arraycopy(targets, order[i] * targetWidth, dst, (i - from) * targetWidth, targetWidth);
    }

    /** [n, h, w, c] samples to [n, c, h, w]: how to feed channels-last images. */
    public static float[] channelsLastToFirst(float[] x, int n, int h, int w, int c) {
        float[] out = new float[x.length];
        for (int s = 0; s < n; s++)
            for (int y = 0; y < h; y++)
                for (int z = 0; z < w; z++)
                    for (int k = 0; k < c; k++) out[((s * c + k) * h + y) * w + z] = x[((s * h + y) * w + z) * c + k];
        return out;
    }
}
