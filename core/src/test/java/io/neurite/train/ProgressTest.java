package io.neurite.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProgressTest {
    /** What a terminal shows for text: '\r' returns to column 0, later characters overwrite. */
    static List<String> screen(String text) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        int col = 0;
        for (char c : text.toCharArray()) {
            if (c == '\r') {
                col = 0;
            } else if (c == '\n') {
                lines.add(line.toString().stripTrailing());
                line.setLength(0);
                col = 0;
            } else {
                if (col < line.length()) line.setCharAt(col, c);
                else line.append(c);
                col++;
            }
        }
        if (!line.isEmpty()) lines.add(line.toString().stripTrailing());
        return lines;
    }

    private static Map<String, Double> logs(double loss, double accuracy) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("loss", loss);
        m.put("accuracy", accuracy);
        m.put("lr", 1e-3);
        return m;
    }

    @Test
    void theEpochLineLeavesNothingOfTheBarBehindOnATerminal() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        Progress p = new Progress(out, 1, 8000, true);
        p.startEpoch(0, 3);
        p.batch(8000, logs(0.123456, 0.5866));
        p.endEpoch(logs(0.123456, 0.5866));
        p.startEpoch(1, 3);
        p.batch(8000, logs(0.1, 0.6));
        p.endEpoch(logs(0.1, 0.6));
        List<String> shown = screen(bytes.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n"));
        assertEquals(2, shown.size(), shown.toString());
        for (int i = 0; i < 2; i++) {
            String l = shown.get(i);
            assertTrue(l.matches("Epoch " + (i + 1) + "/3 8000 samples \\S+s \\d+ img/s loss \\S+ accuracy \\S+"), l);
            assertFalse(l.contains("ETA"), l);
        }
        assertTrue(shown.get(0).endsWith("accuracy 0.5866"), shown.get(0));
    }

    @Test
    void aShorterBarCoversALongerOne() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        Progress p = new Progress(out, 1, 10, true);
        p.startEpoch(0, 1);
        p.batch(10, logs(12345.678, 0.1));
        p.batch(10, logs(1, 0.1));
        String shown = screen(bytes.toString(StandardCharsets.UTF_8)).getFirst();
        assertTrue(shown.matches("Epoch 1/1 \\[=+\\] 10/10 loss 1\\.0000 accuracy 0\\.1000 \\d+ img/s ETA 0s"), shown);
    }

    @Test
    void notATerminalMeansOneLinePerEpochAndNoCarriageReturn() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        Progress p = new Progress(out, 1, 100, false);
        p.startEpoch(0, 1);
        p.batch(50, logs(1, 0.5));
        p.endEpoch(logs(1, 0.5));
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertFalse(text.replace(System.lineSeparator(), "\n").contains("\r"), text);
        assertTrue(text.startsWith("Epoch 1/1 100 samples"), text);
    }
}
