package io.neurite.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The IDX reader on files this test writes, good and broken, raw and gzipped, and the real MNIST test set. */
class IdxTest {
    @TempDir
    Path dir;

    private static byte[] idx(int[] dims, byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {0, 0, 8, (byte) dims.length});
        for (int d : dims) out.writeBytes(new byte[] {(byte) (d >>> 24), (byte) (d >>> 16), (byte) (d >>> 8), (byte) d});
        out.writeBytes(data);
        return out.toByteArray();
    }

    private static byte[] gzip(byte[] b) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(b);
        }
        return out.toByteArray();
    }

    @Test
    void readsRawAndGzippedFiles() throws IOException {
        byte[] data = {1, 2, 3, 4, 5, 6};
        Files.write(dir.resolve("a"), idx(new int[] {2, 3}, data));
        Files.write(dir.resolve("a.gz"), gzip(idx(new int[] {2, 3}, data)));
        for (String n : new String[] {"a", "a.gz"}) {
            Idx.Array a = Idx.read(dir.resolve(n));
            assertArrayEquals(new int[] {2, 3}, a.dims());
            assertArrayEquals(data, a.data());
        }
    }

    @Test
    void namesTheFileAndOffsetOfEachProblem() throws IOException {
        byte[] good = idx(new int[] {2, 3}, new byte[6]);
        expect(Arrays.copyOf(good, 10), "bad", "file ends at offset 10");
        expect(Arrays.copyOf(good, good.length - 1), "short", "truncated");
        expect(Arrays.copyOf(good, good.length + 1), "long", "trailing bytes");
        byte[] magic = good.clone();
        magic[0] = 7;
        expect(magic, "magic", "bad IDX magic");
        byte[] type = good.clone();
        type[2] = 0x0D;
        expect(type, "type", "offset 2");
        Path gz = dir.resolve("cut.gz");
        byte[] z = gzip(good);
        Files.write(gz, Arrays.copyOf(z, z.length - 12));
        IOException e = assertThrows(IOException.class, () -> Idx.read(gz));
        assertTrue(e.getMessage().contains("cut.gz") && e.getMessage().contains("truncated"), e.getMessage());
    }

    /** GZIPInputStream drops bytes after the stream that are not another member; the reader refuses them, naming where the stream ended. */
    @Test
    void refusesBytesAfterTheGzipStreamButReadsConcatenatedMembers() throws IOException {
        byte[] good = idx(new int[] {2, 3}, new byte[] {1, 2, 3, 4, 5, 6});
        byte[] z = gzip(good);
        byte[] junk = Arrays.copyOf(z, z.length + 5);
        System.arraycopy("junk!".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, junk, z.length, 5);
        expect(junk, "junk.gz", "5 unexpected bytes after the end of the gzip stream, from offset " + z.length);
        byte[] zeros = Arrays.copyOf(z, z.length + 1024); // zero padding, as some tools leave
        expect(zeros, "padded.gz", "offset " + z.length);
        byte[] first = gzip(Arrays.copyOf(good, 9)), second = gzip(Arrays.copyOfRange(good, 9, good.length));
        byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        Files.write(dir.resolve("two.gz"), both);
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6}, Idx.read(dir.resolve("two.gz")).data(), "two gzip members are one stream, as gzip -c a b makes");
        byte[] badCrc = z.clone();
        badCrc[z.length - 8] ^= 1;
        expect(badCrc, "crc.gz", "corrupt");
    }

    /** The JDK's "Is a directory" names no file. */
    @Test
    void aDirectoryIsRefusedNamingIt() throws IOException {
        Path d = Files.createDirectory(dir.resolve("images.gz"));
        IOException e = assertThrows(IOException.class, () -> Idx.read(d));
        assertTrue(e.getMessage().startsWith(d.toString()), e.getMessage());
    }

    private void expect(byte[] content, String name, String fragment) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, content);
        IOException e = assertThrows(IOException.class, () -> Idx.read(p));
        assertTrue(e.getMessage().contains(name) && e.getMessage().contains(fragment), e.getMessage());
    }

    /** n images whose pixels all hold 25 times their index, labelled index mod 10: images gzipped, labels raw. */
    private void writeSet(String images, String labels, int n) throws IOException {
        byte[] pixels = new byte[n * 28 * 28], l = new byte[n];
        for (int i = 0; i < n; i++) {
            Arrays.fill(pixels, i * 28 * 28, (i + 1) * 28 * 28, (byte) (i * 25));
            l[i] = (byte) (i % 10);
        }
        Files.write(dir.resolve(images + ".gz"), gzip(idx(new int[] {n, 28, 28}, pixels)));
        Files.write(dir.resolve(labels), idx(new int[] {n}, l));
    }

    @Test
    void splitsTheTestSetWhenThereIsNoTrainingSet() throws IOException {
        writeSet(Mnist.TEST_IMAGES, Mnist.TEST_LABELS, 10);
        Mnist.Split s = Mnist.load(dir);
        assertEquals("t10k 8/2", s.description());
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7}, s.train().labels());
        assertArrayEquals(new int[] {8, 9}, s.test().labels());
        assertEquals(3 * 25 / 255f, s.train().features()[3 * 28 * 28 + 100]);
        assertEquals(9 * 25 / 255f, s.test().features()[28 * 28 + 5]);

        writeSet(Mnist.TRAIN_IMAGES, Mnist.TRAIN_LABELS, 5);
        s = Mnist.load(dir);
        assertEquals("train/t10k 5/10", s.description());
        assertEquals(4 * 25 / 255f, s.train().features()[4 * 28 * 28]);
        assertEquals(9 * 25 / 255f, s.test().features()[9 * 28 * 28]);
    }

    @Test
    void loadsTheOfficialTestSetWithTheEightThousandTwoThousandSplit() throws IOException {
        Path shared = Path.of("../../shared/data/mnist").toAbsolutePath().normalize();
        if (!Files.isDirectory(shared)) shared = Path.of("../shared/data/mnist").toAbsolutePath().normalize();
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(shared), "no ../shared/data/mnist here");
        Mnist.Split s = Mnist.load(shared);
        assertEquals("t10k 8000/2000", s.description());
        assertEquals(8000, s.train().size());
        assertEquals(2000, s.test().size());
        assertEquals(7, s.train().labels()[0], "the first t10k label is a 7");
        float max = 0;
        for (float v : s.train().features()) max = Math.max(max, v);
        assertEquals(1f, max, "pixels are scaled to [0, 1]");
    }
}
