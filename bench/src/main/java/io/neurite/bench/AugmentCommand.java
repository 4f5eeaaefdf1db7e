package io.neurite.bench;

import io.neurite.data.Augmenter;
import io.neurite.data.Dataset;
import io.neurite.data.Idx;
import io.neurite.data.Mnist;
import io.neurite.io.AtomicFiles;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code bench augment --out DIR [--count N] [--seed S] [--data DIR]}: a full-size MNIST training
 * set built from the 8,000 training images of the t10k split (embedded, or {@code --data}'s t10k
 * files) by seeded augmentation, written as the four IDX files {@code mnist --data DIR} and
 * {@code torch_reference.py --data DIR} read. The training file holds the 8,000 originals, then
 * augmented copies of them in rounds (round r draws every transform from seed and r, with the
 * main job's {@code --augment} settings: rotation 10 degrees, shifts 0.1, zoom 0.1), up to N
 * images (default 60,000, MNIST's training size); the t10k files hold the 2,000 evaluation images
 * unchanged, so evaluation stays on images no training image was made from. The same seed gives
 * the same bytes. The four files are replaced together (a crash leaves the old set or the new).
 */
final class AugmentCommand {
    /** The most images an IDX file of 28x28 bytes can hold in one Java array. */
    static final int MAX_COUNT = Integer.MAX_VALUE / (28 * 28);

    private AugmentCommand() {
    }

    static int run(List<String> argv) throws IOException {
        Args a = new Args("augment", argv, Set.of("--out", "--count", "--seed", "--data"), Set.of());
        String outOption = a.get("--out", null);
        if (outOption == null) throw new IllegalArgumentException("augment: --out DIR is required (where the four IDX files go)");
        Path out = OutputFiles.checkDirectory("--out", Path.of(outOption));
        int count = a.getInt("--count", 60_000, 1);
        if (count > MAX_COUNT) throw new IllegalArgumentException("augment: --count must be at most " + MAX_COUNT + " (28x28 images in one IDX file), not " + count);
        long seed = a.getInt("--seed", 42);
        Mnist.Split split = a.get("--data", null) != null ? Mnist.load(Path.of(a.get("--data", null))) : Mnist.load(MnistCommand::embedded, "embedded MNIST t10k");
        if (!split.description().startsWith("t10k")) {
            throw new IllegalArgumentException("augment: --data " + a.get("--data", null) + " holds training files already; give a folder with only the t10k files");
        }
        Dataset train = split.train(), test = split.test();
        byte[] images = augmented(train, count, seed);
        Map<String, AtomicFiles.Content> files = new LinkedHashMap<>();
        files.put(Mnist.TRAIN_IMAGES, idx(new Idx.Array(new int[] {count, 28, 28}, images)));
        files.put(Mnist.TRAIN_LABELS, idx(new Idx.Array(new int[] {count}, labels(train.labels(), count))));
        byte[] testImages = new byte[test.features().length];
        pixels(test.features(), testImages, 0, testImages.length);
        files.put(Mnist.TEST_IMAGES, idx(new Idx.Array(new int[] {test.size(), 28, 28}, testImages)));
        files.put(Mnist.TEST_LABELS, idx(new Idx.Array(new int[] {test.size()}, labels(test.labels(), test.size()))));
        // Gzipped files of the same stems would be read instead of the new raw ones (Mnist prefers .gz).
        List<String> stale = files.keySet().stream().map(n -> n + ".gz").filter(n -> Files.exists(out.resolve(n))).toList();
        AtomicFiles.commit(out, files, stale);
        System.out.printf("augment: %,d training images (%,d originals, %,d augmented, seed %d) and %,d evaluation images in %s%n",
                count, Math.min(count, train.size()), Math.max(0, count - train.size()), seed, test.size(), out);
        return 0;
    }

    /** The originals, then round after round of augmented copies, as 8-bit pixels. */
    static byte[] augmented(Dataset train, int count, long seed) {
        int len = train.sampleLength(), n = train.size();
        byte[] images = new byte[Math.multiplyExact(count, len)];
        Augmenter aug = Augmenter.mnistDefault();
        float[] round = new float[n * len];
        for (int at = 0, r = 0; at < count; at += n, r++) {
            int take = Math.min(n, count - at);
            System.arraycopy(train.features(), 0, round, 0, take * len);
            if (r > 0) aug.apply(round, take, train.sampleShape(), seed * 1_000_003L + r);
            pixels(round, images, at * len, take * len);
        }
        return images;
    }

    /** Features x[0, length) in [0, 1] back to bytes at dst[at...] (the loader divides by 255); bilinear sampling rounds to the nearest level. */
    private static void pixels(float[] x, byte[] dst, int at, int length) {
        for (int i = 0; i < length; i++) dst[at + i] = (byte) Math.clamp(Math.round(x[i] * 255f), 0, 255);
    }

    /** count labels as bytes, cycling through labels (the copies of each round keep their originals' labels). */
    private static byte[] labels(int[] labels, int count) {
        byte[] b = new byte[count];
        for (int i = 0; i < count; i++) b[i] = (byte) labels[i % labels.length];
        return b;
    }

    private static AtomicFiles.Content idx(Idx.Array array) {
        return tmp -> {
            try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
                Idx.write(o, array);
            }
        };
    }
}
