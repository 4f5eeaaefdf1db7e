package io.neurite.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

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
                if (Files.exists(p)) return Files.newInputStream(p);
            }
            return null;
        }, dir.toString());
    }

    public static Split load(Source source, String where) throws IOException {
        Dataset test = pair(source, TEST_IMAGES, TEST_LABELS, where);
        if (test == null) throw new IOException("no MNIST t10k files (" + TEST_IMAGES + "[.gz], " + TEST_LABELS + "[.gz]) in " + where);
        Dataset train = pair(source, TRAIN_IMAGES, TRAIN_LABELS, where);
        if (train != null) return new Split(train, test, "train/t10k " + train.size() + "/" + test.size());
        int cut = test.size() * 4 / 5;
        return new Split(test.slice(0, cut), test.slice(cut, test.size()), "t10k " + cut + "/" + (test.size() - cut));
    }

    private static Dataset pair(Source source, String images, String labels, String where) throws IOException {
        Idx.Array x, y;
        try (InputStream xi = source.open(images); InputStream yi = source.open(labels)) {
            if (xi == null || yi == null) return null;
            x = Idx.read(xi, where + "/" + images);
            y = Idx.read(yi, where + "/" + labels);
        }
        if (x.dims().length != 3 || x.dims()[1] != 28 || x.dims()[2] != 28) {
            throw new IOException(where + "/" + images + ": images must be [n, 28, 28], found " + java.util.Arrays.toString(x.dims()));
        }
        if (y.dims().length != 1 || y.count() != x.count()) {
            throw new IOException(where + "/" + labels + ": " + java.util.Arrays.toString(y.dims()) + " labels for " + x.count() + " images");
        }
        float[] pixels = new float[x.data().length];
        for (int i = 0; i < pixels.length; i++) pixels[i] = (x.data()[i] & 0xFF) / 255f;
        int[] l = new int[y.count()];
        for (int i = 0; i < l.length; i++) {
            l[i] = y.data()[i] & 0xFF;
            if (l[i] > 9) throw new IOException(where + "/" + labels + ": label " + l[i] + " at offset " + (8 + i) + " is not a digit");
        }
        return Dataset.ofLabels(pixels, new int[] {1, 28, 28}, l);
    }
}
