package io.neurite.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the readers ask of an input file before they open it: a FIFO or a device would block them (or never end). */
final class DataFiles {
    private DataFiles() {
    }

    /** The path, if it is a regular file (or a link to one); otherwise an IOException naming it and what it is. */
    static Path regular(Path file) throws IOException {
        if (Files.isRegularFile(file)) return file;
        if (!Files.exists(file)) throw new java.nio.file.NoSuchFileException(file.toString(), null, "no such file");
        String what = Files.isDirectory(file) ? "a directory" : "not a regular file (a FIFO, socket or device?)";
        throw new IOException(file + ": " + what + ": the readers take regular files only");
    }

    /**
     * The image a label file's line names, resolved in dir; refused (naming the line) when it lies
     * outside dir: an absolute path, {@code ..}, or a link pointing out of the folder.
     */
    static Path inside(Path dir, String name, Path labelFile, int line) throws IOException {
        String where = labelFile + ":" + line + ":1: image '" + name + "'";
        Path given = Path.of(name);
        Path f = dir.resolve(given).normalize();
        if (given.isAbsolute() || !f.startsWith(dir.normalize())) throw new IOException(where + " is outside the folder " + dir);
        if (!Files.exists(f)) throw new IOException(labelFile + ":" + line + ":1: image " + f + " does not exist");
        if (!f.toRealPath().startsWith(dir.toRealPath())) throw new IOException(where + " links outside the folder " + dir + " (to " + f.toRealPath() + ")");
        if (!Files.isRegularFile(f)) throw new IOException(where + ": " + f + " is not a regular file");
        return f;
    }
}
