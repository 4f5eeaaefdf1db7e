package io.neurite.data;

import java.io.EOFException;
import java.io.IOException;
import java.util.zip.ZipException;

/**
 * Reading errors that name their file: gzip's, and the JDK's that name none ("Is a directory"),
 * get the file and a plain reason. (The io package's FileErrors does the same for checkpoints;
 * data sits beside io, not above it, so it has its own.)
 */
final class DataErrors {
    private DataErrors() {
    }

    /** A read of the file called name. */
    @FunctionalInterface
    interface IoRead<T> {
        T run() throws IOException;
    }

    static <T> T naming(String name, IoRead<T> read) throws IOException {
        try {
            return read.run();
        } catch (EOFException e) {
            throw new IOException(name + ": the gzip stream is truncated (" + e.getMessage() + ")", e);
        } catch (ZipException e) {
            throw new IOException(name + ": the gzip stream is corrupt (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().contains(name)) throw e;
            throw new IOException(name + ": " + e.getMessage(), e);
        }
    }
}
