package io.neurite.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;

/**
 * The files a run writes (--json, --plot): checked before the run starts, so a bad path fails in
 * a second rather than after minutes of training, and written through a temporary file renamed
 * into place, so a crash or a full disk never leaves half a file where the old one was.
 */
final class OutputFiles {
    /** Writes a file's content to the given (temporary) path. */
    @FunctionalInterface
    interface Content {
        void write(Path tmp) throws IOException;
    }

    private OutputFiles() {
    }

    /**
     * Refuses a path that cannot be written: an existing directory, or one whose nearest
     * existing ancestor is not a writable directory (missing directories are created on write).
     *
     * @param option the option that named the file, for the message
     */
    static Path checkWritable(String option, Path file) throws IOException {
        Path abs = file.toAbsolutePath().normalize();
        if (Files.isDirectory(abs)) throw new IOException(option + " " + file + ": is a directory, not a file");
        Path dir = abs.getParent();
        while (dir != null && !Files.exists(dir)) dir = dir.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new IOException(option + " " + file + ": cannot be created, " + dir + " is not a directory");
        }
        if (!Files.isWritable(dir)) throw new IOException(option + " " + file + ": the directory " + dir + " is not writable");
        return abs;
    }

    /** Writes file through a temporary file in its directory (created if missing), renamed over it in one step. */
    static void writeAtomically(Path file, Content content) throws IOException {
        Path abs = file.toAbsolutePath();
        Files.createDirectories(abs.getParent());
        // Hidden, so a listing during the write shows no half-written PNG or JSON; not createTempFile,
        // whose owner-only permissions the renamed file would keep.
        Path tmp = abs.resolveSibling("." + abs.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            content.write(tmp);
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
