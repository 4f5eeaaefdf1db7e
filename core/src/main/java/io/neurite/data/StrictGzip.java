package io.neurite.data;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PushbackInputStream;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import java.util.zip.ZipException;

/**
 * A gzip decoder (RFC 1952) that refuses bytes after the stream: the JDK's GZIPInputStream drops
 * anything after a member that does not parse as another member, so a file with junk appended
 * (a bad download, two files glued together) read as if whole. Members one after another are
 * accepted, as gzip and GZIPInputStream do. Truncation ends in an {@link EOFException}, corrupt
 * data in a {@link ZipException}, bytes after the stream in an IOException naming the file and
 * the offset where the stream ended.
 */
final class StrictGzip extends InputStream {
    private final PushbackInputStream in;
    private final String name;
    private final Inflater inflater = new Inflater(true);
    private final CRC32 crc = new CRC32();
    private final byte[] buf;
    private int filled;
    /** Compressed bytes taken from in so far: the file offset of the next one. */
    private long offset;
    private boolean done;

    StrictGzip(InputStream raw, String name, int bufferSize) throws IOException {
        this.buf = new byte[bufferSize];
        this.in = new PushbackInputStream(raw, bufferSize);
        this.name = name;
        header();
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) return 0;
        while (!done) {
            int n;
            try {
                n = inflater.inflate(b, off, len);
            } catch (DataFormatException e) {
                throw new ZipException(e.getMessage() + " near offset " + offset);
            }
            if (n > 0) {
                crc.update(b, off, n);
                return n;
            }
            if (inflater.finished()) {
                endOfMember();
            } else if (inflater.needsDictionary()) {
                throw new ZipException("a preset dictionary, which gzip does not use, near offset " + offset);
            } else if (inflater.needsInput()) {
                filled = in.read(buf, 0, buf.length);
                if (filled < 0) throw new EOFException("the gzip stream ends at offset " + offset + " inside compressed data");
                offset += filled;
                inflater.setInput(buf, 0, filled);
            }
        }
        return -1;
    }

    /** Checks the member's trailer, then starts the next member or checks that the file ends here. */
    private void endOfMember() throws IOException {
        int left = inflater.getRemaining();
        in.unread(buf, filled - left, left);
        offset -= left;
        long trailer = offset;
        long wantCrc = uint32(), wantSize = uint32();
        if (wantCrc != crc.getValue() || wantSize != (inflater.getBytesWritten() & 0xFFFFFFFFL)) {
            throw new ZipException("the CRC-32 or length in the trailer at offset " + trailer + " does not match the data");
        }
        int a = in.read(), b = a < 0 ? -1 : in.read();
        if (a < 0) {
            done = true;
            return;
        }
        if (a == 0x1F && b == 0x8B) {
            in.unread(b);
            in.unread(a);
            inflater.reset();
            crc.reset();
            header();
            return;
        }
        long extra = (b < 0 ? 1 : 2) + in.transferTo(OutputStream.nullOutputStream());
        throw new IOException(name + ": " + extra + " unexpected bytes after the end of the gzip stream, from offset " + offset
                + " (not another gzip member)");
    }

    /** A member's header: magic, method 8 (deflate), flags and the optional fields they announce. */
    private void header() throws IOException {
        long start = offset;
        if (byteAt() != 0x1F || byteAt() != 0x8B) throw new ZipException("not a gzip header at offset " + start);
        if (byteAt() != 8) throw new ZipException("compression method at offset " + (start + 2) + " is not deflate (8)");
        int flags = byteAt();
        if ((flags & 0xE0) != 0) throw new ZipException("reserved flag bits set at offset " + (start + 3));
        for (int i = 0; i < 6; i++) byteAt(); // mtime, extra flags, OS
        if ((flags & 4) != 0) {
            int extra = byteAt() | byteAt() << 8;
            for (int i = 0; i < extra; i++) byteAt();
        }
        if ((flags & 8) != 0) while (byteAt() != 0) { } // file name
        if ((flags & 16) != 0) while (byteAt() != 0) { } // comment
        if ((flags & 2) != 0) {
            byteAt();
            byteAt();
        }
    }

    private int byteAt() throws IOException {
        int c = in.read();
        if (c < 0) throw new EOFException("the gzip stream ends at offset " + offset + " inside a header or trailer");
        offset++;
        return c;
    }

    private long uint32() throws IOException {
        return (long) byteAt() | (long) byteAt() << 8 | (long) byteAt() << 16 | (long) byteAt() << 24;
    }

    @Override
    public void close() throws IOException {
        inflater.end();
        in.close();
    }
}
