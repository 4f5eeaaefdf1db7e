package io.neurite.fuzz;

import static io.neurite.fuzz.Refusals.refusedCleanly;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.neurite.checkpoint.Checkpoint;
import io.neurite.io.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** A checkpoint directory's training.json, and the commit journal a save interrupted at its commit point leaves. */
class TrainingStateFuzzTest {
    /** Two levels down in the scratch directory, so that a journal naming ../ stays inside it. */
    private static final Path DIR = Refusals.scratch("training").resolve("a/b/ckpt");

    @FuzzTest(maxDuration = "5m")
    void training(byte[] data) {
        reset();
        Refusals.put(DIR.resolve(Checkpoint.TRAINING), data);
        refusedCleanly(DIR.toString(), () -> Checkpoint.readTrainingState(DIR));
    }

    /** The journal is read on load (resolve) and finished on the next save (commit). */
    @FuzzTest(maxDuration = "5m")
    void journal(byte[] data) {
        reset();
        Refusals.put(DIR.resolve("commit.pending.json"), data);
        Refusals.put(DIR.resolve(".training.json.neurite-x.tmp"), "{}".getBytes());
        refusedCleanly(DIR.toString(), () -> {
            AtomicFiles.resolve(DIR, Checkpoint.TRAINING);
            AtomicFiles.commit(DIR, Map.of("model.json", tmp -> Files.writeString(tmp, "{}")), List.of());
            try (Stream<Path> s = Files.list(DIR)) {
                List<String> left = s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".") || n.startsWith("commit")).toList();
                if (!left.isEmpty()) throw new AssertionError("left after a save: " + left);
            }
        });
    }

    private static void reset() {
        try {
            if (Files.exists(DIR.getParent().getParent())) {
                try (Stream<Path> s = Files.walk(DIR.getParent().getParent())) {
                    for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
                }
            }
            Files.createDirectories(DIR);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
