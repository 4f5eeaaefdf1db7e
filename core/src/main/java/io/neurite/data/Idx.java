package io.neurite.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads IDX files (the MNIST format: a big-endian magic of two zero bytes, a type byte 0x08 for
 * unsigned bytes and a dimension count, then each dimension as a big-endian int, then the data),
 * gzip-compressed or raw. Every problem names the file and the byte offset where it was found.
 */
public final class Idx {
    /** The dimensions and the unsigned bytes of an IDX file. */
    public record Array(int[] dims, byte[] data) {
        public int count() {
            return dims[0];
        }
    }

    private Idx() {
    }

    public static Array read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString());
        }
    }

    /** Reads from a stream (gzip detected by its magic); name is used in messages. */
    public static Array read(InputStream raw, String name) throws IOException {
        byte[] bytes = raw.readAllBytes();
        if (bytes.length >= 2 && (bytes[0] & 0xFF) == 0x1F && (bytes[1] & 0xFF) == 0x8B) {
            try (InputStream gz = new GZIPInputStream(new java.io.ByteArrayInputStream(bytes))) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                gz.transferTo(out);
                bytes = out.toByteArray();
            } catch (java.io.EOFException e) {
                throw new IOException(name + ": the gzip stream is truncated", e);
            } catch (java.util.zip.ZipException e) {
                throw new IOException(name + ": the gzip stream is corrupt (" + e.getMessage() + ")", e);
            }
        }
        return parse(bytes, name);
    }

    static Array parse(byte[] b, String name) throws IOException {
        if (b.length < 4) throw new IOException(name + ": " + b.length + " bytes is too short for an IDX header (offset 0)");
        if (b[0] != 0 || b[1] != 0) {
            throw new IOException(String.format("%s: bad IDX magic 0x%02x%02x%02x%02x at offset 0 (expected 0x0000 then type and rank)",
                    name, b[0], b[1], b[2], b[3]));
        }
        if ((b[2] & 0xFF) != 0x08) {
            throw new IOException(String.format("%s: IDX type 0x%02x at offset 2 is not 0x08 (unsigned byte)", name, b[2] & 0xFF));
        }
        int rank = b[3] & 0xFF;
        if (rank < 1 || rank > 4) throw new IOException(name + ": IDX rank " + rank + " at offset 3 is not 1 to 4");
        int header = 4 + 4 * rank;
        if (b.length < header) throw new IOException(name + ": file ends at offset " + b.length + " inside the header of " + header + " bytes");
        int[] dims = new int[rank];
        long count = 1;
        for (int i = 0; i < rank; i++) {
            int off = 4 + 4 * i;
            dims[i] = ((b[off] & 0xFF) << 24) | ((b[off + 1] & 0xFF) << 16) | ((b[off + 2] & 0xFF) << 8) | (b[off + 3] & 0xFF);
            if (dims[i] < 0) throw new IOException(name + ": negative dimension " + dims[i] + " at offset " + off);
            count *= dims[i];
        }
        if (header + count != b.length) {
            throw new IOException(name + ": dimensions " + java.util.Arrays.toString(dims) + " need " + count + " data bytes from offset "
                    + header + ", but the file has " + (b.length - header) + (header + count > b.length ? " (truncated)" : " (trailing bytes)"));
        }
        return new Array(dims, java.util.Arrays.copyOfRange(b, header, b.length));
    }
}
