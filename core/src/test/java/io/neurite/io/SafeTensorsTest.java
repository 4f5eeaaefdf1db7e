package io.neurite.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The safetensors writer against a reader written here from the format's description, and every refusal of the reader. */
class SafeTensorsTest {
    @TempDir
    Path dir;

    private static float[] ramp(int n, float scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (i - n / 3f) * scale;
        return v;
    }

    private Path sample() throws IOException {
        Path f = dir.resolve("w.safetensors");
        SafeTensors.write(f, List.of(new SafeTensors.Named("dense_1/kernel", new int[] {3, 7}, ramp(21, 0.25f)),
                new SafeTensors.Named("dense_1/bias", new int[] {7}, ramp(7, -1.5f)),
                new SafeTensors.Named("conv2d_1/kernel", new int[] {2, 1, 3, 3}, ramp(18, 1e-3f)),
                new SafeTensors.Named("empty", new int[] {0, 5}, new float[0])), Map.of("note", "x"));
        return f;
    }

    /** A minimal independent parse: header length, then each entry by regular expression, then the raw little-endian floats. */
    @Test
    void fileMatchesTheFormatAsAnIndependentReaderSeesIt() throws IOException {
        byte[] b = Files.readAllBytes(sample());
        long n = ByteBuffer.wrap(b, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, n % 8, "header padded to 8 bytes");
        String header = new String(b, 8, (int) n, StandardCharsets.UTF_8);
        assertTrue(header.startsWith("{") && header.stripTrailing().endsWith("}"), header);
        Pattern entry = Pattern.compile("\"([^\"]+)\":\\{\"dtype\":\"(\\w+)\",\"shape\":\\[([0-9,]*)\\],\"data_offsets\":\\[(\\d+),(\\d+)\\]\\}");
        Matcher m = entry.matcher(header);
        Map<String, float[]> seen = new LinkedHashMap<>();
        long expectBegin = 0;
        while (m.find()) {
            assertEquals("F32", m.group(2));
            long begin = Long.parseLong(m.group(4)), end = Long.parseLong(m.group(5));
            assertEquals(expectBegin, begin, "tensors back to back");
            long count = m.group(3).isEmpty() ? 1 : Arrays.stream(m.group(3).split(",")).mapToLong(Long::parseLong).reduce(1, (x, y) -> x * y);
            assertEquals(count * 4, end - begin, m.group(1));
            float[] v = new float[(int) count];
            ByteBuffer.wrap(b, (int) (8 + n + begin), (int) (end - begin)).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
            seen.put(m.group(1), v);
            expectBegin = end;
        }
        assertEquals(b.length, 8 + n + expectBegin, "the data ends the file");
        assertEquals(List.of("dense_1/kernel", "dense_1/bias", "conv2d_1/kernel", "empty"), List.copyOf(seen.keySet()));
        assertArrayEquals(ramp(21, 0.25f), seen.get("dense_1/kernel"));
        assertArrayEquals(ramp(18, 1e-3f), seen.get("conv2d_1/kernel"));
        assertTrue(header.contains("\"__metadata__\":{\"format\":\"pt\",\"note\":\"x\""), header);
        assertTrue(header.contains("\"crc32c:dense_1/bias\":\""), header);
    }

    @Test
    void readerRoundTripsAndChecksums() throws IOException {
        try (SafeTensors.Reader r = SafeTensors.open(sample())) {
            assertEquals(4, r.entries().size());
            assertArrayEquals(new int[] {2, 1, 3, 3}, r.entries().get("conv2d_1/kernel").shape());
            assertArrayEquals(ramp(7, -1.5f), r.floats("dense_1/bias"));
            assertEquals(0, r.floats("empty").length);
            assertEquals("x", r.metadata().get("note"));
        }
    }

    /** The file with every "crc32c:*" entry cut from the header (padded back to its length, so the data stays where it was). */
    private static byte[] withoutChecksums(byte[] file) {
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        int n = (int) b.getLong(0);
        String header = new String(file, 8, n, StandardCharsets.UTF_8).replaceAll(",?\"crc32c:[^\"]*\":\"[0-9a-f]{8}\"", "");
        byte[] h = (header + " ".repeat(n - header.length())).getBytes(StandardCharsets.UTF_8);
        byte[] out = file.clone();
        System.arraycopy(h, 0, out, 8, n);
        return out;
    }

    /** Deleting the checksums must not switch the check off; files of other programs load when asked to. */
    @Test
    void aTensorWithoutItsChecksumIsRefusedUnlessAllowed() throws IOException {
        byte[] stripped = withoutChecksums(Files.readAllBytes(sample()));
        assertFalse(new String(stripped, StandardCharsets.UTF_8).contains("crc32c"));
        refused(stripped, "tensor 'dense_1/kernel' has no checksum", SafeTensors.ALLOW_MISSING_CHECKSUMS);
        Path f = dir.resolve("bad.safetensors");
        try (SafeTensors.Reader r = SafeTensors.open(f, false)) {
            assertArrayEquals(ramp(7, -1.5f), r.floats("dense_1/bias"));
        }
        System.setProperty(SafeTensors.ALLOW_MISSING_CHECKSUMS, "true");
        try (SafeTensors.Reader r = SafeTensors.open(f)) {
            assertArrayEquals(ramp(21, 0.25f), r.floats("dense_1/kernel"));
        } finally {
            System.clearProperty(SafeTensors.ALLOW_MISSING_CHECKSUMS);
        }
    }

    /** Opening a damaged file must fail with a message holding every given fragment. */
    private void refused(byte[] content, String... fragments) throws IOException {
        Path f = dir.resolve("bad.safetensors");
        Files.write(f, content);
        CheckpointException e = assertThrows(CheckpointException.class, () -> {
            try (SafeTensors.Reader r = SafeTensors.open(f)) {
                for (String name : r.entries().keySet()) r.floats(name);
            }
        });
        assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
        for (String s : fragments) assertTrue(e.getMessage().contains(s), "'" + s + "' in: " + e.getMessage());
    }

    /** A file with this header text (padded) and this many data bytes. */
    private static byte[] file(String header, int dataBytes) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        return b.putLong(h.length).put(h).array();
    }

    @Test
    void refusesTruncatedFilesAndBadHeaderLengths() throws IOException {
        byte[] good = Files.readAllBytes(sample());
        refused(Arrays.copyOf(good, 5), "truncated", "5 bytes");
        refused(Arrays.copyOf(good, good.length - 3), "truncated", "conv2d_1/kernel", "file ends at " + (good.length - 3));
        byte[] beyond = good.clone();
        ByteBuffer.wrap(beyond).order(ByteOrder.LITTLE_ENDIAN).putLong(0, good.length);
        refused(beyond, "header length " + good.length, "beyond the end of the file");
        byte[] huge = good.clone();
        ByteBuffer.wrap(huge).order(ByteOrder.LITTLE_ENDIAN).putLong(0, -1);
        refused(huge, "bad header length -1");
        refused(Arrays.copyOf(good, good.length + 4), "4 unexpected bytes after the last tensor");
    }

    @Test
    void refusesCorruptedData() throws IOException {
        byte[] bad = Files.readAllBytes(sample());
        bad[bad.length - 40] ^= 0x10;
        refused(bad, "conv2d_1/kernel", "corrupted", "CRC-32C", "file offsets");
    }

    @Test
    void refusesMalformedHeaders() throws IOException {
        refused(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},}", 8), "bad JSON at offset 62");
        refused(file("[1, 2]", 0), "not a JSON object");
        refused(file("{\"a\":{\"dtype\":\"Q4\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8), "tensor 'a'", "unknown dtype Q4");
        refused(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8), "tensor 'a'", "hold 8 bytes", "needs 12");
        refused(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", 8), "tensor 'a'", "bad shape");
        refused(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,0]}}", 8), "bad data_offsets");
        refused(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],"
                + "\"data_offsets\":[4,8]}}", 8), "tensor 'b'", "overlaps");
        refused(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8), "tensor 'a'", "a hole before it");
        refused(file("{\"__metadata__\":{\"k\":1}}", 0), "value of 'k' is not a string");
        byte[] latin = file("{\"\u00e9\":1}", 0);
        latin[9 + 1] = (byte) 0xff;
        refused(latin, "not UTF-8");
        refused(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"a\":{}}", 8), "duplicate key \"a\"");
    }

    @Test
    void otherDtypesAreListedButNotReadAsFloats() throws IOException {
        Path f = dir.resolve("f16.safetensors");
        Files.write(f, file("{\"h\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4));
        try (SafeTensors.Reader r = SafeTensors.open(f)) {
            assertEquals("F16", r.entries().get("h").dtype());
            assertTrue(assertThrows(CheckpointException.class, () -> r.floats("h")).getMessage().contains("is F16"));
        }
    }

    @Test
    void aFailedWriteLeavesTheOldFileAndNoTemporaryFile() throws IOException {
        Path f = sample();
        byte[] before = Files.readAllBytes(f);
        assertThrows(IOException.class, () -> AtomicFiles.write(f, tmp -> {
            Files.write(tmp, new byte[] {1, 2, 3});
            throw new IOException("disk full (simulated)");
        }));
        assertArrayEquals(before, Files.readAllBytes(f));
        try (var s = Files.list(dir)) {
            assertEquals(List.of("w.safetensors"), s.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void writerRefusesDuplicateAndMisshapenTensors() {
        assertThrows(IllegalArgumentException.class, () -> new SafeTensors.Named("a", new int[] {2, 2}, new float[3]));
        assertThrows(IllegalArgumentException.class, () -> new SafeTensors.Named("__metadata__", new int[] {1}, new float[1]));
        assertThrows(IllegalArgumentException.class, () -> SafeTensors.write(dir.resolve("d.safetensors"),
                List.of(new SafeTensors.Named("a", new int[] {1}, new float[1]), new SafeTensors.Named("a", new int[] {1}, new float[1])), Map.of()));
    }
}
