package io.neurite.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Two fresh JVMs train the same model from the same seed and must end with the same weights, bit
 * for bit. One has C2 compile the hot loops after 100 calls, part-way through the first epoch at
 * a moment that varies from run to run; the other never leaves C1, so every Vector API operation
 * runs its Java fallback. Before {@link VectorMath}, lane-wise EXP/TANH and reduceLanes(ADD)
 * rounded differently compiled and not, and these two runs (or two runs of the first kind)
 * ended with different weights.
 */
class DeterminismTest {
    @Test
    void twoProcessesTrainToTheSameBits() throws Exception {
        List<String> compiled = train("-XX:-TieredCompilation", "-XX:CompileThreshold=100"), fallback = train("-XX:TieredStopAtLevel=1");
        assertFalse(compiled.isEmpty());
        assertEquals(compiled.size(), fallback.size(), "weight count");
        int differing = 0;
        for (int i = 0; i < compiled.size(); i++) if (!compiled.get(i).equals(fallback.get(i))) differing++;
        assertEquals(0, differing, "weights whose bits differ between the two processes, of " + compiled.size());
    }

    /** Runs {@link DeterminismMain} in a new JVM with this one's classpath and the Vector API; returns its lines. */
    private static List<String> train(String... jvmFlags) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-Dneurite.cpu.threads=2", "-cp", System.getProperty("java.class.path")));
        cmd.addAll(List.of(jvmFlags));
        cmd.addAll(List.of(DeterminismMain.class.getName(), "3"));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the training process did not finish in 60 s");
        }
        assertEquals(0, p.exitValue(), "exit status of " + String.join(" ", cmd));
        return out.lines().toList();
    }
}
