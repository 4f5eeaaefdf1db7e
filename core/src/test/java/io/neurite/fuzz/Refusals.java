package io.neurite.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What every reader fuzz target checks: a bad input is refused with an {@link IOException} (the
 * documented type: {@code CheckpointException} for checkpoint files) whose message is one line
 * naming the file. Any other exception or error escapes to Jazzer as a finding. The fuzz targets
 * run in regression mode over {@code <TestClass>Inputs/<method>/} in every {@code mvn test}, and
 * fuzz with {@code JAZZER_FUZZ=1} ({@code .ci/fuzz.sh}).
 */
public final class Refusals {
    private Refusals() {
    }

    /** A reader call that may refuse its input. */
    @FunctionalInterface
    public interface Read {
        void run() throws IOException;
    }

    /** Runs read; an IOException must be a one-line reason naming the file. */
    public static void refusedCleanly(String file, Read read) {
        try {
            read.run();
        } catch (IOException e) {
            String m = e.getMessage();
            if (m == null || !m.contains(file) || m.contains("\n") || m.contains("\r")) {
                throw new AssertionError("a refusal must be one line naming " + file + ", got: " + m, e);
            }
        }
    }

    /** A scratch directory for this JVM's fuzz target (under target/, the build's java.io.tmpdir). */
    public static Path scratch(String name) {
        try {
            return Files.createTempDirectory("fuzz-" + name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes an input to a file, as a user's file would be. */
    public static void put(Path file, byte[] data) {
        try {
            Files.write(file, data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
