package io.neurite.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurite.device.Devices;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@code bench devices} prints core's table of backends, found through the SPI, and the best device. */
class DevicesCommandTest {
    @Test
    void printsCoresReportOfEveryBackendThenTheBestDevice() {
        PrintStream old = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
            assertEquals(0, MainErrorsTest.run("devices").status());
        } finally {
            System.setOut(old);
        }
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(out.startsWith(Devices.report()), out);
        for (String backend : new String[] {"cpu ", "opencl ", "cuda "}) assertTrue(out.contains("\n  " + backend), backend + "missing:\n" + out);
        assertTrue(out.contains("(best)"), out);
        assertTrue(out.endsWith("best: " + Devices.list().getFirst().id() + System.lineSeparator()), out);
    }
}
