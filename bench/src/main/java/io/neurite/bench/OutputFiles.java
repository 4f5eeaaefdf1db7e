package io.neurite.bench;

import io.neurite.io.AtomicFiles;
import io.neurite.io.Json;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The files a run writes (--json, --plot): checked before the run starts, so a bad path fails in
 * a second rather than after minutes of training, and written with core's {@link AtomicFiles}
 * (a temporary file renamed into place), so a crash or a full disk never leaves half a file where
 * the old one was.
 */
final class OutputFiles {
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
        probe(option, file, abs.getParent());
        return abs;
    }

    /** Refuses a directory to write files into (--save) that exists as a file or cannot be created and written. */
    static Path checkDirectory(String option, Path dir) throws IOException {
        Path abs = dir.toAbsolutePath().normalize();
        if (Files.exists(abs) && !Files.isDirectory(abs)) throw new IOException(option + " " + dir + ": is a file, not a directory");
        probe(option, dir, abs);
        return abs;
    }

    /**
     * Where the files will be written (dir, or its nearest existing ancestor, below which the
     * missing directories are created) must take a new file and an atomic rename, as
     * {@link AtomicFiles} writes: a probe file is created, renamed and deleted there. Permissions
     * alone do not tell (root may write anywhere, but not in /proc; a read-only mount).
     */
    private static void probe(String option, Path target, Path dir) throws IOException {
        while (dir != null && !Files.exists(dir)) dir = dir.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new IOException(option + " " + target + ": cannot be created, " + dir + " is not a directory");
        }
        Path made = null, renamed = null;
        try {
            made = Files.createTempFile(dir, ".neurite-probe-", ".tmp");
            renamed = made.resolveSibling(made.getFileName() + ".renamed");
            Files.move(made, renamed, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException(option + " " + target + ": the file system of " + dir + " cannot rename files atomically", e);
        } catch (IOException e) {
            throw new IOException(option + " " + target + ": cannot write in " + dir + " (" + Main.reason(e) + ")", e);
        } finally {
            for (Path p : new Path[] {made, renamed}) {
                try {
                    if (p != null) Files.deleteIfExists(p);
                } catch (IOException e) {
                    // a probe we cannot delete is left, hidden, as a crash's temporary file would be
                }
            }
        }
    }

    /** Writes a run's figures to file as JSON (core's {@link Json}), atomically. */
    static void writeJson(String file, Object figures) throws IOException {
        String json = Json.pretty(measured(figures));
        AtomicFiles.write(Path.of(file), tmp -> Files.writeString(tmp, json));
    }

    /** JSON has no NaN or infinity: a figure that was not measured (no oracle to compare with on cpu:0) is null. */
    private static Object measured(Object v) {
        return switch (v) {
            case Double d when !Double.isFinite(d) -> null;
            case Float f when !Float.isFinite(f) -> null;
            case Map<?, ?> m -> {
                Map<Object, Object> out = new LinkedHashMap<>();
                m.forEach((k, x) -> out.put(k, measured(x)));
                yield out;
            }
            case List<?> l -> {
                List<Object> out = new ArrayList<>();
                for (Object x : l) out.add(measured(x));
                yield out;
            }
            case null, default -> v;
        };
    }
}
