package io.neurite.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Crash-safe writes. One file: written to a temporary file in the same directory, flushed to
 * disk, then renamed over the target in one step, so readers see the old file or the new one,
 * never a part. Several files of one checkpoint (weights, optimiser state, training state) go
 * through a small journal so that they change together:
 * <ol>
 *   <li>each file is written and flushed as {@code .NAME.ID.tmp};</li>
 *   <li>{@value #JOURNAL} is written atomically, listing them: this is the commit point;</li>
 *   <li>each temporary file is renamed over its target, stale files are removed, and the
 *       journal is deleted.</li>
 * </ol>
 * A crash before step 2 leaves the previous checkpoint whole (the temporary files are ignored
 * and later removed); a crash after it leaves a journal naming complete files, which
 * {@link #resolve} reads in place of the targets and the next save finishes renaming. One
 * process writes a directory at a time.
 */
public final class AtomicFiles {
    /** The journal of a commit under way. */
    static final String JOURNAL = "commit.pending.json";

    /** Writes a file's content to the given (temporary) path. */
    @FunctionalInterface
    public interface Content {
        void write(Path tmp) throws IOException;
    }

    private AtomicFiles() {
    }

    /**
     * Writes target through a flushed temporary file renamed into place. An error names target
     * (the JDK's "No space left on device" names no file).
     */
    public static void write(Path target, Content content) throws IOException {
        FileErrors.naming(target, () -> {
            writeUnnamed(target, content);
            return null;
        });
    }

    private static void writeUnnamed(Path target, Content content) throws IOException {
        Path dir = parent(target);
        Files.createDirectories(dir);
        Path tmp = dir.resolve(tmpName(target.getFileName().toString(), UUID.randomUUID().toString()));
        try {
            content.write(tmp);
            force(tmp);
            move(tmp, target);
            force(dir);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Replaces the given files of dir together (see the class comment), and removes the files
     * named in remove (left from an earlier save of another kind).
     */
    public static void commit(Path dir, Map<String, Content> files, List<String> remove) throws IOException {
        FileErrors.naming(dir, () -> {
            commitUnnamed(dir, files, remove);
            return null;
        });
    }

    private static void commitUnnamed(Path dir, Map<String, Content> files, List<String> remove) throws IOException {
        Files.createDirectories(dir);
        recover(dir);
        String id = UUID.randomUUID().toString();
        Map<String, Object> journal = new LinkedHashMap<>();
        Map<String, Object> renames = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, Content> f : files.entrySet()) {
                Path tmp = dir.resolve(tmpName(f.getKey(), id));
                renames.put(f.getKey(), tmp.getFileName().toString());
                FileErrors.naming(dir.resolve(f.getKey()), () -> {
                    f.getValue().write(tmp);
                    force(tmp);
                    return null;
                });
            }
            journal.put("renames", renames);
            journal.put("remove", new ArrayList<Object>(remove));
            write(dir.resolve(JOURNAL), tmp -> Files.writeString(tmp, Json.pretty(journal)));
        } catch (IOException | RuntimeException e) {
            for (Object tmp : renames.values()) Files.deleteIfExists(dir.resolve((String) tmp));
            throw e;
        }
        recover(dir);
    }

    /**
     * The file to read for name in dir: the target, or its complete replacement where a commit
     * was interrupted after its commit point. Reading never changes the directory.
     */
    public static Path resolve(Path dir, String name) throws IOException {
        Map<String, Object> renames = pending(dir);
        Object tmp = renames.get(name);
        if (tmp instanceof String t && Files.exists(dir.resolve(t))) return dir.resolve(t);
        return dir.resolve(name);
    }

    /** Finishes an interrupted commit, then removes temporary files left by a save that never reached its commit point. */
    private static void recover(Path dir) throws IOException {
        Path journal = dir.resolve(JOURNAL);
        if (Files.exists(journal)) {
            Map<String, Object> renames = pending(dir);
            for (Map.Entry<String, Object> r : renames.entrySet()) {
                Path tmp = dir.resolve((String) r.getValue());
                if (Files.exists(tmp)) move(tmp, dir.resolve(r.getKey()));
            }
            Object remove = ((Map<?, ?>) Json.parse(Files.readString(journal), journal.toString(), 0)).get("remove");
            if (remove instanceof List<?> l) {
                for (Object name : l) Files.deleteIfExists(dir.resolve(String.valueOf(name)));
            }
            force(dir);
            Files.delete(journal);
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, ".*.tmp")) {
            for (Path p : s) if (p.getFileName().toString().contains(".neurite-")) Files.deleteIfExists(p);
        }
        force(dir);
    }

    private static Map<String, Object> pending(Path dir) throws IOException {
        Path journal = dir.resolve(JOURNAL);
        if (!Files.exists(journal)) return Map.of();
        Object j = Json.parse(Files.readString(journal), journal.toString(), 0);
        if (!(j instanceof Map<?, ?> m) || !(m.get("renames") instanceof Map<?, ?> r)) {
            throw new CheckpointException(journal + ": not a commit journal (no \"renames\" object)");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : r.entrySet()) {
            String target = String.valueOf(e.getKey()), tmp = String.valueOf(e.getValue());
            // The journal only ever names plain files of its own directory.
            if (target.contains("/") || target.contains("\\") || !tmp.startsWith(".") || tmp.contains("/") || tmp.contains("\\")) {
                throw new CheckpointException(journal + ": bad entry \"" + target + "\": \"" + tmp + "\"");
            }
            out.put(target, tmp);
        }
        return out;
    }

    private static String tmpName(String target, String id) {
        return "." + target + ".neurite-" + id + ".tmp";
    }

    private static Path parent(Path p) {
        Path abs = p.toAbsolutePath();
        return abs.getParent() == null ? abs.getRoot() : abs.getParent();
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot rename " + from + " to " + to + " atomically on this file system", e);
        }
    }

    /** Flushes a file, or a directory's entries where the platform allows it (Linux and macOS do, Windows does not). */
    private static void force(Path p) throws IOException {
        boolean dir = Files.isDirectory(p);
        try (FileChannel c = FileChannel.open(p, dir ? StandardOpenOption.READ : StandardOpenOption.WRITE)) {
            c.force(true);
        } catch (IOException e) {
            if (!dir) throw e;
        }
    }
}
