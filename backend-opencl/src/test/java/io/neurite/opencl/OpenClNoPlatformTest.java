package io.neurite.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurite.device.Availability;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A machine without OpenCL: a child JVM whose ICD loader finds no vendor (OCL_ICD_VENDORS names
 * an empty directory, as on a machine with libOpenCL but no driver) must report the backend
 * unavailable with the reason, not throw. A child, because the loader reads its vendors once per process.
 */
class OpenClNoPlatformTest {
    /** The child: prints the provider's verdict. */
    public static void main(String[] args) {
        Availability a = new OpenClProvider().probe();
        System.out.println("available=" + a.available() + " devices=" + a.devices().size() + " reason=" + a.reason());
    }

    @Test
    void noPlatformIsAReasonNotAnError(@TempDir Path empty) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder pb = new ProcessBuilder(List.of(java.toString(), "--enable-native-access=ALL-UNNAMED",
                "-Djava.io.tmpdir=" + empty, "-cp", System.getProperty("java.class.path"), OpenClNoPlatformTest.class.getName()));
        pb.environment().put("OCL_ICD_VENDORS", empty.toString());
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child finished");
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("available=false devices=0"), out);
        assertTrue(out.contains("no OpenCL platform found") || out.contains("could not be loaded"), out);
        assertTrue(Files.isDirectory(empty));
    }
}
