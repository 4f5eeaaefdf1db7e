package io.neurite.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurite.behaviour.CheckpointFixtures;
import io.neurite.checkpoint.Checkpoint;
import io.neurite.checkpoint.TrainingState;
import io.neurite.device.Device;
import io.neurite.device.Devices;
import io.neurite.nn.Model;
import io.neurite.optim.Adam;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash-safe checkpoints: a child JVM ({@link CrashSaveMain}) saving after every epoch is killed
 * with SIGKILL at random moments, again and again, until the checkpoint has reached epoch SAVES (a save an epoch). After every
 * kill the directory must restore as one whole save (the weights' hash in training.json matches
 * the weights, the optimiser's step count matches the epoch, the epoch never goes back), the next
 * child resumes from it, and temporary files of an interrupted save are gone after the next save.
 * Finally an unkilled child finishes the run, and its weights equal an uninterrupted run's.
 * CI kills a few times; {@code -Dneurite.crash.saves=50} runs the long version.
 */
class CrashSafeCheckpointTest {
    private static final int SAVES = Integer.getInteger("neurite.crash.saves", 12);
    @TempDir
    Path root;

    @Test
    void killedSavesLeaveOneWholeCheckpoint() throws Exception {
        Path dir = root.resolve("ck");
        SplittableRandom random = new SplittableRandom(Long.getLong("neurite.crash.seed", System.nanoTime()));
        int epochs = SAVES + 4, kills = 0, lastEpoch = 0, midSave = 0;
        AtomicInteger saves = new AtomicInteger();
        List<String> stray = List.of();
        while (lastEpoch < SAVES && kills < 8 * SAVES) {
            Process p = child(dir, epochs);
            AtomicInteger savedHere = new AtomicInteger();
            Thread reader = drain(p, saves, savedHere);
            // Kill after 0 or 1 saves of this child, at a random point of the next few milliseconds
            // (an epoch is two small steps; a save writes four files, flushes and renames them).
            int after = random.nextInt(2);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (savedHere.get() < after && p.isAlive() && System.nanoTime() < deadline) LockSupport.parkNanos(100_000);
            LockSupport.parkNanos(random.nextLong(12_000_000));
            p.destroyForcibly().waitFor();
            reader.join();
            kills++;
            if (!Files.exists(dir)) continue;
            List<String> strayNow = temporaries(dir);
            if (savedHere.get() > 0) {
                for (String s : stray) assertTrue(!strayNow.contains(s), "a save left " + s + " of an interrupted save in place: " + strayNow);
            }
            if (!strayNow.isEmpty()) midSave++;
            stray = strayNow;
            int epoch = checkWhole(dir);
            assertTrue(epoch >= lastEpoch, "the checkpoint went back from epoch " + lastEpoch + " to " + epoch);
            lastEpoch = epoch;
        }
        Process last = child(dir, epochs);
        List<String> out = new String(last.getInputStream().readAllBytes()).lines().toList();
        assertEquals(0, last.waitFor(), "the last child fails: " + out + new String(last.getErrorStream().readAllBytes()));
        assertEquals(List.of(), temporaries(dir), "temporary files after a completed run");
        assertEquals(epochs, checkWhole(dir));
        System.out.printf("crash-safe checkpoints: %d kills (%d mid-save, leaving temporary files), %d saves reported, killed run's checkpoint at epoch %d of %d%n",
                kills, midSave, saves.get(), lastEpoch, epochs);
        // Each epoch ends in one save; the last kill may come between a save and its "saved" line.
        assertTrue(lastEpoch >= SAVES, "the checkpoint reached epoch " + lastEpoch + " in " + kills + " kills");
        assertEquals("done " + uninterrupted(epochs), out.getLast(), "a killed and resumed run ends with other weights than an uninterrupted one");
    }

    /** Restores dir into a fresh model and optimiser and checks that its files are of one save; returns its epoch. */
    private static int checkWhole(Path dir) throws IOException {
        try (Device cpu = Devices.get("cpu:0"); Model m = CheckpointFixtures.mlp().build(cpu, 1); Adam adam = new Adam(1e-2f)) {
            TrainingState s = Checkpoint.restore(dir, m, adam);
            assertEquals(s.notes().get("weights"), CrashSaveMain.hash(CheckpointFixtures.weights(m)), "weights of another save than training.json");
            assertEquals((long) s.epoch() * CrashSaveMain.STEPS, adam.iterations(), "optimiser state of another save than training.json");
            assertEquals(s, Checkpoint.readTrainingState(dir));
            return s.epoch();
        }
    }

    private static String uninterrupted(int epochs) throws Exception {
        Path fresh = Files.createTempDirectory("ck-straight");
        Process p = child(fresh, epochs);
        List<String> out = new String(p.getInputStream().readAllBytes()).lines().toList();
        assertEquals(0, p.waitFor());
        return out.getLast().substring("done ".length());
    }

    private static Process child(Path dir, int epochs) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                "-cp", System.getProperty("java.class.path"), CrashSaveMain.class.getName(), dir.toString(), Integer.toString(epochs)));
        return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    /** Counts the child's "saved" lines as they come. */
    private static Thread drain(Process p, AtomicInteger saves, AtomicInteger here) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (line.startsWith("saved ")) {
                        saves.incrementAndGet();
                        here.incrementAndGet();
                    }
                }
            } catch (IOException e) {
                // the child was killed
            }
        });
        t.start();
        return t;
    }

    /** The temporary files and journals in dir. */
    private static List<String> temporaries(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp") || n.startsWith("commit.")).sorted().toList();
        }
    }
}
