package io.neurite.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurite.data.Idx;
import io.neurite.data.Mnist;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bench augment}: the files it writes load as a train/t10k set, repeatably, and bad options are refused. */
class AugmentCommandTest {
    @TempDir
    Path dir;

    @Test
    void writesOriginalsThenAugmentedCopiesAndTheHeldOutEvaluationImages() throws IOException {
        Path a = dir.resolve("a"), b = dir.resolve("b");
        assertEquals(0, MainErrorsTest.run("augment", "--out", a.toString(), "--count", "17000", "--seed", "7").status());
        assertEquals(0, MainErrorsTest.run("augment", "--out", b.toString(), "--count", "17000", "--seed", "7").status());
        for (String f : new String[] {Mnist.TRAIN_IMAGES, Mnist.TRAIN_LABELS, Mnist.TEST_IMAGES, Mnist.TEST_LABELS}) {
            assertEquals(-1, Files.mismatch(a.resolve(f), b.resolve(f)), f + ": the same seed gives the same bytes");
        }
        Mnist.Split source = Mnist.load(MnistCommand::embedded, "embedded"), made = Mnist.load(a);
        assertEquals("train/t10k 17000/2000", made.description());
        int len = 784, n = source.train().size();
        float[] x = made.train().features(), original = source.train().features();
        assertArrayEquals(Arrays.copyOf(original, n * len), Arrays.copyOf(x, n * len), "the 8,000 originals come first, unchanged");
        assertArrayEquals(source.test().features(), made.test().features(), "evaluation images unchanged");
        assertArrayEquals(source.test().labels(), made.test().labels());
        int changed = 0;
        for (int i = n; i < 17000; i++) {
            assertEquals(source.train().labels()[i % n], made.train().labels()[i], "label of copy " + i);
            if (!Arrays.equals(x, i * len, (i + 1) * len, original, (i % n) * len, (i % n + 1) * len)) changed++;
        }
        assertTrue(changed > 8900, changed + " of 9,000 copies differ from their originals");
        assertFalse(Arrays.equals(x, n * len, (n + 1000) * len, x, 2 * n * len, (2 * n + 1000) * len), "each round draws its own transforms");
        assertEquals(0, MainErrorsTest.run("augment", "--out", a.toString(), "--count", "9000", "--seed", "8").status());
        assertEquals(9000, Mnist.load(a).train().size(), "a second run replaces the set");
    }

    @Test
    void refusesMissingOrBadOptions() throws IOException {
        assertTrue(MainErrorsTest.run("augment").err().contains("--out DIR is required"));
        assertTrue(MainErrorsTest.run("augment", "--out", dir.toString(), "--count", "0").err().contains("--count must be at least 1"));
        assertTrue(MainErrorsTest.run("augment", "--out", dir.toString(), "--count", "3000000").err().contains("--count must be at most " + AugmentCommand.MAX_COUNT));
        Path file = Files.writeString(dir.resolve("f"), "x");
        assertTrue(MainErrorsTest.run("augment", "--out", file.toString()).err().contains("is a file, not a directory"));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "nothing written for a refused command");
        }
    }

    @Test
    void idxWriterRefusesDimensionsThatDoNotMatchTheBytes() {
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Idx.write(java.io.OutputStream.nullOutputStream(), new Idx.Array(new int[] {2, 28, 28}, new byte[784])));
        assertTrue(e.getMessage().contains("[2, 28, 28] for 784 bytes"), e.getMessage());
    }
}
