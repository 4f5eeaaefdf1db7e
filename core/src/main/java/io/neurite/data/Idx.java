package io.neurite.data;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads IDX files (the MNIST format: a big-endian magic of two zero bytes, a type byte 0x08 for
 * unsigned bytes and a dimension count, then each dimension as a big-endian int, then the data),
 * gzip-compressed or raw. Every problem names the file and the byte offset where it was found.
 */
public final class Idx {
    /** Bytes of gzip input buffered at a time. */
    private static final int GZIP_BUFFER = 1 << 16;

    /** The dimensions and the unsigned bytes of an IDX file. */
    public record Array(int[] dims, byte[] data) {
        public int count() {
            return dims[0];
        }
    }

    private Idx() {
    }

    /**
     * Writes an array as a raw (uncompressed) unsigned-byte IDX file, the form {@link #read} reads.
     * The caller owns out (and makes the write atomic: {@code AtomicFiles}).
     */
    public static void write(OutputStream out, Array a) throws IOException {
        long count = 1;
        for (int d : a.dims()) {
            if (d < 0) throw new IllegalArgumentException("IDX dimensions must not be negative: " + Arrays.toString(a.dims()));
            count *= d;
        }
        if (a.dims().length == 0 || a.dims().length > 255 || count != a.data().length) {
            throw new IllegalArgumentException("IDX dimensions " + Arrays.toString(a.dims()) + " for " + a.data().length + " bytes");
        }
        ByteBuffer header = ByteBuffer.allocate(4 + 4 * a.dims().length);   // big-endian, as IDX is
        header.putInt(0x0800 | a.dims().length);
        for (int d : a.dims()) header.putInt(d);
        out.write(header.array());
        out.write(a.data());
    }

    public static Array read(Path file) throws IOException {
        return DataErrors.naming(file.toString(), () -> {
            try (InputStream in = Files.newInputStream(DataFiles.regular(file))) {
                return read(in, file.toString());
            }
        });
    }

    /** Reads from a stream (gzip detected by its magic); name is used in messages. */
    public static Array read(InputStream raw, String name) throws IOException {
        try (Reader r = open(raw, name)) {
            byte[] data = r.readRest();
            r.finish();
            return new Array(r.dims(), data);
        }
    }

    /**
     * Opens a stream (gzip detected by its magic) and reads its header; the data is then read in
     * pieces through the returned reader, so a large file is never held whole, compressed or
     * not, beside what the caller converts it into. Closing the reader closes raw.
     */
    public static Reader open(InputStream raw, String name) throws IOException {
        BufferedInputStream in = new BufferedInputStream(raw, GZIP_BUFFER);
        try {
            boolean gzip = DataErrors.naming(name, () -> {
                in.mark(2);
                boolean g = in.read() == 0x1F && in.read() == 0x8B;
                in.reset();
                return g;
            });
            return new Reader(gzip ? DataErrors.naming(name, () -> new StrictGzip(in, name, GZIP_BUFFER)) : in, name);
        } catch (IOException e) {
            in.close();
            throw e;
        }
    }

    /** An IDX file whose header has been read: its dimensions, then its data in order. */
    public static final class Reader implements Closeable {
        private final InputStream in;
        private final String name;
        private final int[] dims;
        private final int header;
        private final long bytes;
        private long read;

        private Reader(InputStream in, String name) throws IOException {
            this.in = in;
            this.name = name;
            byte[] b = new byte[4];
            int got = fill(b, 0, 4);
            if (got < 4) throw new IOException(name + ": " + got + " bytes is too short for an IDX header (offset 0)");
            if (b[0] != 0 || b[1] != 0) {
                throw new IOException(String.format("%s: bad IDX magic 0x%02x%02x%02x%02x at offset 0 (expected 0x0000 then type and rank)",
                        name, b[0], b[1], b[2], b[3]));
            }
            if ((b[2] & 0xFF) != 0x08) {
                throw new IOException(String.format("%s: IDX type 0x%02x at offset 2 is not 0x08 (unsigned byte)", name, b[2] & 0xFF));
            }
            int rank = b[3] & 0xFF;
            if (rank < 1 || rank > 4) throw new IOException(name + ": IDX rank " + rank + " at offset 3 is not 1 to 4");
            header = 4 + 4 * rank;
            byte[] d = new byte[4 * rank];
            got = fill(d, 0, d.length);
            if (got < d.length) throw new IOException(name + ": file ends at offset " + (4 + got) + " inside the header of " + header + " bytes");
            dims = new int[rank];
            long count = 1;
            for (int i = 0; i < rank; i++) {
                int off = 4 * i;
                dims[i] = ((d[off] & 0xFF) << 24) | ((d[off + 1] & 0xFF) << 16) | ((d[off + 2] & 0xFF) << 8) | (d[off + 3] & 0xFF);
                if (dims[i] < 0) throw new IOException(name + ": negative dimension " + dims[i] + " at offset " + (4 + off));
                // Checked before multiplying: count * dims[i] could pass 2^63 and wrap.
                if (dims[i] > 0 && count > Integer.MAX_VALUE * 16L / dims[i]) throw new IOException(name + ": dimensions up to offset " + (8 + off) + " exceed 2^35 bytes");
                count *= dims[i];
            }
            bytes = count;
        }

        /** The dimensions, outermost first. */
        public int[] dims() {
            return dims.clone();
        }

        /** Data bytes the header promises. */
        public long bytes() {
            return bytes;
        }

        /** The next len data bytes into dst at off; a file that ends first is reported as truncated. */
        public void read(byte[] dst, int off, int len) throws IOException {
            if (len > bytes - read) throw new IllegalArgumentException(len + " bytes asked for, " + (bytes - read) + " left");
            int got = fill(dst, off, len);
            read += got;
            if (got < len) throw mismatch(read, " (truncated)");
        }

        /**
         * The data not read yet, in an array grown as it arrives, so that a header promising more
         * than the file holds is reported as truncated rather than running out of memory.
         */
        public byte[] readRest() throws IOException {
            long left = bytes - read;
            if (left > Integer.MAX_VALUE - 8) throw new IOException(name + ": " + left + " data bytes do not fit in one array");
            byte[] b = guard(() -> in.readNBytes((int) left));
            read += b.length;
            if (b.length < left) throw mismatch(read, " (truncated)");
            return b;
        }

        /** Checks that the data has been read to its end and that nothing follows it; closes the stream. */
        public void finish() throws IOException {
            try {
                if (read < bytes) throw new IllegalStateException((bytes - read) + " data bytes of " + name + " not read");
                long trailing = guard(() -> in.transferTo(OutputStream.nullOutputStream()));
                if (trailing > 0) throw mismatch(bytes + trailing, " (trailing bytes)");
            } finally {
                close();
            }
        }

        @Override
        public void close() throws IOException {
            in.close();
        }

        private IOException mismatch(long found, String why) {
            return new IOException(name + ": dimensions " + Arrays.toString(dims) + " need " + bytes + " data bytes from offset "
                    + header + ", but the file has " + found + why);
        }

        /** Reads until len bytes or the end; returns how many came. */
        private int fill(byte[] dst, int off, int len) throws IOException {
            return guard(() -> in.readNBytes(dst, off, len));
        }

        private <T> T guard(DataErrors.IoRead<T> read) throws IOException {
            return DataErrors.naming(name, read);
        }
    }
}
