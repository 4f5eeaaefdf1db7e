package io.neurite.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The multi-file commit: a crash before the commit point keeps the old set, after it the new set, never a mix. */
class AtomicFilesTest {
    @TempDir
    Path dir;

    private static Map<String, AtomicFiles.Content> files(String tag) {
        Map<String, AtomicFiles.Content> m = new LinkedHashMap<>();
        for (String name : List.of("a.txt", "b.txt")) m.put(name, tmp -> Files.writeString(tmp, tag + " " + name));
        return m;
    }

    private String read(String name) throws IOException {
        return Files.readString(AtomicFiles.resolve(dir, name));
    }

    private List<String> listing() throws IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void commitReplacesEveryFileAndRemovesStaleOnes() throws IOException {
        Files.writeString(dir.resolve("stale.txt"), "old");
        AtomicFiles.commit(dir, files("one"), List.of("stale.txt"));
        assertEquals("one a.txt", read("a.txt"));
        assertEquals(List.of("a.txt", "b.txt"), listing());
        AtomicFiles.commit(dir, files("two"), List.of());
        assertEquals("two b.txt", read("b.txt"));
    }

    /** The JDK's "No space left on device" names no file; the error must, and leave nothing behind. */
    @Test
    void aWriteErrorNamesTheFileAndLeavesNothing() throws IOException {
        Path target = dir.resolve("out.json");
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(target, tmp -> {
            Files.writeString(tmp, "half");
            throw new IOException("No space left on device");
        }));
        assertEquals(target + ": No space left on device", e.getMessage());
        Map<String, AtomicFiles.Content> broken = files("x");
        broken.put("b.txt", tmp -> {
            throw new IOException("No space left on device");
        });
        IOException c = assertThrows(IOException.class, () -> AtomicFiles.commit(dir, broken, List.of()));
        assertEquals(dir.resolve("b.txt") + ": No space left on device", c.getMessage());
        assertEquals(List.of(), listing(), "no temporary files left");
    }

    @Test
    void aFailureBeforeTheCommitPointKeepsTheOldSet() throws IOException {
        AtomicFiles.commit(dir, files("one"), List.of());
        Map<String, AtomicFiles.Content> broken = files("two");
        broken.put("b.txt", tmp -> {
            Files.writeString(tmp, "half");
            throw new IOException("killed (simulated)");
        });
        assertThrows(IOException.class, () -> AtomicFiles.commit(dir, broken, List.of()));
        assertEquals("one a.txt", read("a.txt"));
        assertEquals("one b.txt", read("b.txt"));
        assertEquals(List.of("a.txt", "b.txt"), listing(), "no temporary files left");
    }

    /** A crash after the journal was written, before the renames: readers see the new set, the next save completes it. */
    @Test
    void aCrashAfterTheCommitPointIsReadAsTheNewSetAndFinishedByTheNextSave() throws IOException {
        AtomicFiles.commit(dir, files("one"), List.of());
        Files.writeString(dir.resolve(".a.txt.neurite-x.tmp"), "two a.txt");
        Files.writeString(dir.resolve(".b.txt.neurite-x.tmp"), "two b.txt");
        Files.writeString(dir.resolve(".orphan.neurite-y.tmp"), "from a save that never committed");
        Files.writeString(dir.resolve(AtomicFiles.JOURNAL),
                "{\"renames\": {\"a.txt\": \".a.txt.neurite-x.tmp\", \"b.txt\": \".b.txt.neurite-x.tmp\"}, \"remove\": []}");
        assertEquals("two a.txt", read("a.txt"));
        assertEquals("two b.txt", read("b.txt"));
        AtomicFiles.commit(dir, Map.of("c.txt", tmp -> Files.writeString(tmp, "three")), List.of());
        assertEquals("two a.txt", Files.readString(dir.resolve("a.txt")));
        assertEquals(List.of("a.txt", "b.txt", "c.txt"), listing());
        assertFalse(Files.exists(dir.resolve(AtomicFiles.JOURNAL)));
    }

    @Test
    void aJournalNamingFilesOutsideItsDirectoryIsRefused() throws IOException {
        Files.writeString(dir.resolve(AtomicFiles.JOURNAL), "{\"renames\": {\"../x\": \".x.tmp\"}}");
        CheckpointException e = assertThrows(CheckpointException.class, () -> AtomicFiles.resolve(dir, "a.txt"));
        assertTrue(e.getMessage().contains("bad entry"), e.getMessage());
    }
}
