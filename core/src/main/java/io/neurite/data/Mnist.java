package io.neurite.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * MNIST from IDX files, as {@link Dataset}s of [1, 28, 28] images scaled to [0, 1] with int
 * labels. With the full set (train-* and t10k-*) it gives 60,000 training and 10,000 test
 * images; with only the t10k files, the first 8,000 train and the last 2,000 evaluate.
 *
 * <pre>{@code
 * Mnist.Split s = Mnist.load(Path.of("data/mnist"));
 * System.out.println(s.description());   // "train/t10k 60000/10000" or "t10k 8000/2000"
 * }</pre>
 */
public final class Mnist {
    public static final String TRAIN_IMAGES = "train-images-idx3-ubyte", TRAIN_LABELS = "train-labels-idx1-ubyte";
    public static final String TEST_IMAGES = "t10k-images-idx3-ubyte", TEST_LABELS = "t10k-labels-idx1-ubyte";
    private static final int[] SAMPLE = {1, 28, 28};
    /** Image bytes converted at a time: whole images, and small beside the float arrays they fill. */
    private static final int PIECE = 28 * 28 * 64;

    /** Training and evaluation sets, and what they were made from. */
    public record Split(Dataset train, Dataset test, String description) {
    }

    /** Opens one file of the set by stem (with or without .gz); null where absent. */
    @FunctionalInterface
    public interface Source {
        InputStream open(String stem) throws IOException;
    }

    private Mnist() {
    }

    /** Loads from a directory holding the files, gzipped or raw. */
    public static Split load(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) throw new IOException("MNIST directory " + dir + " does not exist");
        return load(stem -> {
            for (String n : new String[] {stem + ".gz", stem}) {
                Path p = dir.resolve(n);
                if (Files.exists(p)) return DataErrors.naming(p.toString(), () -> Files.newInputStream(p));
            }
            return null;
        }, dir.toString());
    }

    /** Loads the files source opens; where names them in messages. */
    public static Split load(Source source, String where) throws IOException {
        // Known before the test set is read, so that without the training files the test set is cut
        // as it is read: loading it whole and copying out the two parts left a second copy as garbage.
        boolean full = present(source, TRAIN_IMAGES, TRAIN_LABELS);
        Dataset[] test = pair(source, TEST_IMAGES, TEST_LABELS, where, !full);
        if (test == null) throw new IOException("no MNIST t10k files (" + TEST_IMAGES + "[.gz], " + TEST_LABELS + "[.gz]) in " + where);
        if (!full) return new Split(test[0], test[1], "t10k " + test[0].size() + "/" + test[1].size());
        Dataset[] train = pair(source, TRAIN_IMAGES, TRAIN_LABELS, where, false);
        if (train == null) throw new IOException(where + ": the MNIST training files could no longer be opened");
        return new Split(train[0], test[0], "train/t10k " + train[0].size() + "/" + test[0].size());
    }

    private static boolean present(Source source, String images, String labels) throws IOException {
        try (InputStream x = source.open(images); InputStream y = source.open(labels)) {
            return x != null && y != null;
        }
    }

    /**
     * A pair of files as one dataset, or (split) as two: the first four fifths of the images and
     * the rest. Null where either file is absent. Pixels are converted a piece at a time straight
     * into the arrays the datasets keep.
     */
    private static Dataset[] pair(Source source, String images, String labels, String where, boolean split) throws IOException {
        try (InputStream xi = source.open(images); InputStream yi = source.open(labels)) {
            if (xi == null || yi == null) return null;
            try (Idx.Reader x = Idx.open(xi, where + "/" + images)) {
                int[] dims = x.dims();
                if (dims.length != 3 || dims[1] != 28 || dims[2] != 28) {
                    throw new IOException(where + "/" + images + ": images must be [n, 28, 28], found " + Arrays.toString(dims));
                }
                int[] l = labels(Idx.read(yi, where + "/" + labels), dims[0], where + "/" + labels);
                int n = dims[0], cut = split ? n * 4 / 5 : n;
                if ((long) n * 28 * 28 > Integer.MAX_VALUE - 8) throw new IOException(where + "/" + images + ": " + n + " images do not fit in one array");
                byte[] piece = new byte[PIECE];
                Dataset first = Dataset.ofLabels(pixels(x, cut, piece), SAMPLE, split ? Arrays.copyOf(l, cut) : l);
                Dataset rest = split ? Dataset.ofLabels(pixels(x, n - cut, piece), SAMPLE, Arrays.copyOfRange(l, cut, n)) : null;
                x.finish();
                return split ? new Dataset[] {first, rest} : new Dataset[] {first};
            }
        }
    }

    private static int[] labels(Idx.Array y, int images, String name) throws IOException {
        if (y.dims().length != 1 || y.count() != images) {
            throw new IOException(name + ": " + Arrays.toString(y.dims()) + " labels for " + images + " images");
        }
        int[] l = new int[y.count()];
        for (int i = 0; i < l.length; i++) {
            l[i] = y.data()[i] & 0xFF;
            if (l[i] > 9) throw new IOException(name + ": label " + l[i] + " at offset " + (8 + i) + " is not a digit");
        }
        return l;
    }

    /** The next count images, scaled to [0, 1]. */
    private static float[] pixels(Idx.Reader x, int count, byte[] piece) throws IOException {
        float[] out = new float[count * 28 * 28];
        for (int at = 0; at < out.length; at += piece.length) {
            int len = Math.min(piece.length, out.length - at);
            x.read(piece, 0, len);
            for (int i = 0; i < len; i++) out[at + i] = (piece[i] & 0xFF) / 255f;
        }
        return out;
    }
}
