package io.neurite.io;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;

/**
 * I/O errors that name their file. Many of the JDK's do not ("Is a directory", "No space left on
 * device" from a read or a write): these wrappers add the file to the message, so every error a
 * user sees says which file it is about.
 */
public final class FileErrors {
    private FileErrors() {
    }

    /** An I/O action on a file. */
    @FunctionalInterface
    public interface Action<T> {
        T run() throws IOException;
    }

    /** Runs action; an IOException whose message does not name file is rethrown with "FILE: " before it. */
    public static <T> T naming(Path file, Action<T> action) throws IOException {
        try {
            return action.run();
        } catch (IOException e) {
            throw naming(file, e);
        }
    }

    /** e if its message names file (or any file, for the JDK's FileSystemException), else e wrapped with file named. */
    public static IOException naming(Path file, IOException e) {
        String m = e.getMessage();
        if (e instanceof FileSystemException f && f.getFile() != null) return e;
        if (m != null && m.contains(file.toString())) return e;
        String reason = m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
        return e instanceof CheckpointException ? new CheckpointException(file + ": " + reason, e) : new IOException(file + ": " + reason, e);
    }
}
