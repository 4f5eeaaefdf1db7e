package io.neurite.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * The safetensors format (Hugging Face's; {@code safetensors.torch.load_file} reads these files):
 * an 8-byte little-endian header length N, N bytes of JSON
 * {@code {"NAME": {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}, ...,
 * "__metadata__": {"key": "value"}}} padded with spaces to a multiple of 8, then the tensors'
 * raw little-endian bytes, row-major, back to back without holes; offsets count from the end of
 * the header.
 *
 * <p>Neurite's tensor names are its parameter names, {@code LAYER/WEIGHT} (e.g.
 * {@code conv2d_1/kernel}, {@code dense_2/bias}, {@code batchnormalization_1/moving_mean}), in Neurite's
 * own layouts:
 * <ul>
 *   <li>Dense kernel [in, units], as Keras; PyTorch's {@code Linear.weight} is [units, in], its
 *       transpose. Dense bias [units].</li>
 *   <li>Conv2d kernel [filters, channels, kh, kw], as PyTorch's {@code Conv2d.weight}; bias
 *       [filters, 1, 1] (PyTorch's is [filters]: reshape).</li>
 *   <li>BatchNormalization gamma, beta, moving_mean, moving_variance [channels] (PyTorch's weight, bias,
 *       running_mean, running_var); PRelu alpha [channels].</li>
 *   <li>Recurrent layers: kernel, recurrent_kernel and bias in Keras' layouts; each layer's
 *       class comment gives the mapping to PyTorch's gate order. Embedding {@code embeddings}
 *       [vocabulary, width], as PyTorch's {@code Embedding.weight}.</li>
 * </ul>
 * The writer adds {@code "format": "pt"} and a CRC-32C of each tensor's bytes
 * ({@code "crc32c:NAME"}: 8 hex digits) to the metadata, which the reader checks. A tensor without
 * its checksum is refused too (deleting the entries would otherwise turn the check off); files of
 * other programs have none, so {@link #open(Path, boolean)} with false, or the system property
 * {@value #ALLOW_MISSING_CHECKSUMS}{@code =true} for {@link #open(Path)}, reads them unchecked
 * (a checksum that is present is still checked).
 *
 * <p>The reader validates the whole layout when it opens a file (header length within the file,
 * UTF-8 JSON, known dtypes, offsets that match shapes and cover the data exactly) and refuses
 * anything else with a {@link CheckpointException} naming the file, the tensor and the offset.
 */
public final class SafeTensors {
    /** Where the header JSON refuses to go: the reference implementation's limit. */
    static final long MAX_HEADER = 100_000_000L;
    static final String METADATA = "__metadata__";
    /** The system property that lets {@link #open(Path)} read tensors without a checksum (files of other programs). */
    public static final String ALLOW_MISSING_CHECKSUMS = "neurite.safetensors.allowMissingChecksums";
    private static final Map<String, Integer> DTYPE_BYTES = Map.ofEntries(Map.entry("F64", 8), Map.entry("F32", 4),
            Map.entry("F16", 2), Map.entry("BF16", 2), Map.entry("I64", 8), Map.entry("I32", 4), Map.entry("I16", 2),
            Map.entry("I8", 1), Map.entry("U8", 1), Map.entry("BOOL", 1));

    /** A named float32 array to write, row-major in shape. */
    public record Named(String name, int[] shape, float[] values) {
        public Named {
            if (name == null || name.isEmpty() || name.equals(METADATA)) throw new IllegalArgumentException("bad tensor name '" + name + "'");
            if (count(shape) != values.length) {
                throw new IllegalArgumentException(name + ": " + values.length + " values do not fill shape " + Arrays.toString(shape));
            }
        }
    }

    /** One tensor of a file: dtype, shape and its bytes [begin, end) counted from the start of the data. */
    public record Entry(String name, String dtype, int[] shape, long begin, long end) {
    }

    private SafeTensors() {
    }

    /** Writes the tensors (in the given order) and metadata to file, through a temporary file renamed into place. */
    public static void write(Path file, List<Named> tensors, Map<String, String> metadata) throws IOException {
        AtomicFiles.write(file, tmp -> writeTo(tmp, tensors, metadata));
    }

    /** Writes the file in place (the caller makes it atomic). */
    public static void writeTo(Path file, List<Named> tensors, Map<String, String> metadata) throws IOException {
        Map<String, Object> header = new LinkedHashMap<>();
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt");
        meta.putAll(metadata);
        long offset = 0;
        Set<String> names = new HashSet<>();
        List<ByteBuffer> data = new ArrayList<>();
        for (Named t : tensors) {
            if (!names.add(t.name())) throw new IllegalArgumentException("two tensors are named " + t.name());
            ByteBuffer b = ByteBuffer.allocate(Math.multiplyExact(t.values().length, 4)).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(t.values());
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("dtype", "F32");
            e.put("shape", t.shape());
            e.put("data_offsets", List.of(offset, offset + b.capacity()));
            header.put(t.name(), e);
            meta.put("crc32c:" + t.name(), crc(b.array()));
            offset += b.capacity();
            data.add(b);
        }
        header.put(METADATA, meta);
        byte[] json = Json.write(header).getBytes(StandardCharsets.UTF_8);
        // Padding the header to 8 bytes keeps every tensor aligned for readers that map the file.
        int padded = (json.length + 7) & ~7;
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) head.put((byte) ' ');
        try (FileChannel c = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            writeFully(c, head.flip());
            for (ByteBuffer b : data) writeFully(c, b);
        }
    }

    private static void writeFully(FileChannel c, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) c.write(b);
    }

    static String crc(byte[] bytes) {
        CRC32C c = new CRC32C();
        c.update(bytes);
        return String.format("%08x", c.getValue());
    }

    static long count(int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /**
     * Opens and validates a file; read tensors with {@link Reader#floats}. Each tensor must have
     * its checksum unless the system property {@value #ALLOW_MISSING_CHECKSUMS} is true.
     */
    public static Reader open(Path file) throws IOException {
        return open(file, !Boolean.getBoolean(ALLOW_MISSING_CHECKSUMS));
    }

    /**
     * Opens and validates a file; requireChecksums false reads tensors that have no CRC-32C
     * (files written by other programs; a checksum that is present is still checked).
     */
    public static Reader open(Path file, boolean requireChecksums) throws IOException {
        return FileErrors.naming(file, () -> new Reader(file, requireChecksums));
    }

    /** An open, validated safetensors file. */
    public static final class Reader implements AutoCloseable {
        private final Path file;
        private final FileChannel channel;
        private final long dataStart;
        private final Map<String, Entry> entries = new LinkedHashMap<>();
        private final Map<String, String> metadata = new LinkedHashMap<>();
        private final boolean requireChecksums;

        private Reader(Path file, boolean requireChecksums) throws IOException {
            this.file = file;
            this.requireChecksums = requireChecksums;
            this.channel = FileChannel.open(file, StandardOpenOption.READ);
            try {
                long size = channel.size();
                if (size < 8) throw refuse("truncated: " + size + " bytes, shorter than the 8-byte header length");
                long n = read(0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
                if (n < 2 || n > MAX_HEADER) throw refuse("bad header length " + n + " at offset 0 (a header is 2 to " + MAX_HEADER + " bytes)");
                if (8 + n > size) throw refuse("header length " + n + " at offset 0 goes beyond the end of the file (" + size + " bytes)");
                dataStart = 8 + n;
                parseHeader(read(8, (int) n));
                checkLayout(size - dataStart);
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
        }

        private CheckpointException refuse(String what) {
            return new CheckpointException(file + ": " + what);
        }

        private ByteBuffer read(long at, int length) throws IOException {
            ByteBuffer b = ByteBuffer.allocate(length);
            while (b.hasRemaining()) {
                if (channel.read(b, at + b.position()) < 0) throw refuse("truncated at offset " + (at + b.position()));
            }
            return b.flip();
        }

        private void parseHeader(ByteBuffer bytes) throws CheckpointException {
            String text;
            try {
                text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(bytes).toString();
            } catch (CharacterCodingException e) {
                throw refuse("the header (offset 8) is not UTF-8 text: " + e.getMessage());
            }
            if (!text.startsWith("{")) throw refuse("the header at offset 8 is not a JSON object (starts with '" + text.charAt(0) + "')");
            if (!(Json.parse(text, file.toString(), 8) instanceof Map<?, ?> top)) throw refuse("the header is not a JSON object");
            for (Map.Entry<?, ?> e : top.entrySet()) {
                String name = (String) e.getKey();
                if (name.equals(METADATA)) {
                    if (!(e.getValue() instanceof Map<?, ?> m)) throw refuse("__metadata__ is not an object");
                    for (Map.Entry<?, ?> kv : m.entrySet()) {
                        if (!(kv.getValue() instanceof String s)) throw refuse("__metadata__ value of '" + kv.getKey() + "' is not a string");
                        metadata.put((String) kv.getKey(), s);
                    }
                } else {
                    entries.put(name, entry(name, e.getValue()));
                }
            }
        }

        private Entry entry(String name, Object v) throws CheckpointException {
            String where = "tensor '" + name + "'";
            if (!(v instanceof Map<?, ?> m)) throw refuse(where + ": not an object");
            if (!(m.get("dtype") instanceof String dtype) || !DTYPE_BYTES.containsKey(dtype)) {
                throw refuse(where + ": unknown dtype " + m.get("dtype") + " (known: " + DTYPE_BYTES.keySet() + ")");
            }
            if (!(m.get("shape") instanceof List<?> s)) throw refuse(where + ": no shape list");
            int[] shape = new int[s.size()];
            for (int i = 0; i < shape.length; i++) {
                if (!(s.get(i) instanceof Long d) || d < 0 || d > Integer.MAX_VALUE) throw refuse(where + ": bad shape " + s);
                shape[i] = (int) (long) d;
            }
            if (!(m.get("data_offsets") instanceof List<?> o) || o.size() != 2 || !(o.get(0) instanceof Long begin)
                    || !(o.get(1) instanceof Long end) || begin < 0 || end < begin) {
                throw refuse(where + ": bad data_offsets " + m.get("data_offsets"));
            }
            long want;
            try {
                want = Math.multiplyExact(count(shape), DTYPE_BYTES.get(dtype));
            } catch (ArithmeticException e) {
                throw refuse(where + ": shape " + s + " is too large");
            }
            if (end - begin != want) {
                throw refuse(where + ": data_offsets [" + begin + ", " + end + "] hold " + (end - begin) + " bytes, but " + dtype
                        + " " + Arrays.toString(shape) + " needs " + want);
            }
            return new Entry(name, dtype, shape, begin, end);
        }

        /** The data must be covered exactly: no overlaps, no holes, nothing missing or left over. */
        private void checkLayout(long dataLength) throws CheckpointException {
            List<Entry> sorted = new ArrayList<>(entries.values());
            sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
            long at = 0;
            for (Entry e : sorted) {
                if (e.begin() != at) {
                    throw refuse("tensor '" + e.name() + "' starts at data offset " + e.begin() + " (file offset " + (dataStart + e.begin())
                            + "), expected " + at + (e.begin() < at ? ": it overlaps the tensor before" : ": a hole before it"));
                }
                if (e.end() > dataLength) {
                    throw refuse("truncated: tensor '" + e.name() + "' needs bytes up to file offset " + (dataStart + e.end())
                            + ", but the file ends at " + (dataStart + dataLength));
                }
                at = e.end();
            }
            if (at != dataLength) throw refuse((dataLength - at) + " unexpected bytes after the last tensor, from file offset " + (dataStart + at));
        }

        public Path file() {
            return file;
        }

        /** Every tensor, in header order. */
        public Map<String, Entry> entries() {
            return java.util.Collections.unmodifiableMap(entries);
        }

        public Map<String, String> metadata() {
            return java.util.Collections.unmodifiableMap(metadata);
        }

        /** A float32 tensor's values, checked against its CRC-32C (required unless the reader was opened not to). */
        public float[] floats(String name) throws IOException {
            return FileErrors.naming(file, () -> checkedFloats(name));
        }

        private float[] checkedFloats(String name) throws IOException {
            Entry e = entries.get(name);
            if (e == null) throw refuse("no tensor '" + name + "'");
            if (!e.dtype().equals("F32")) throw refuse("tensor '" + name + "' is " + e.dtype() + "; Neurite reads F32 tensors");
            if (e.end() - e.begin() > Integer.MAX_VALUE - 8) throw refuse("tensor '" + name + "' is larger than 2 GiB");
            ByteBuffer b = read(dataStart + e.begin(), (int) (e.end() - e.begin()));
            String want = metadata.get("crc32c:" + name);
            if (want == null && requireChecksums) {
                throw refuse("tensor '" + name + "' has no checksum (no \"crc32c:" + name + "\" in the metadata; Neurite writes one for"
                        + " every tensor); a file of another program loads with -D" + ALLOW_MISSING_CHECKSUMS + "=true");
            }
            if (want != null && !want.equalsIgnoreCase(crc(b.array()))) {
                throw refuse("tensor '" + name + "' (file offsets " + (dataStart + e.begin()) + " to " + (dataStart + e.end())
                        + ") is corrupted: CRC-32C " + crc(b.array()) + ", the header says " + want);
            }
            float[] v = new float[(int) ((e.end() - e.begin()) / 4)];
            b.order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
            return v;
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
