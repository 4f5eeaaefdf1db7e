package io.neurite.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CSV reader: with and without a header, gzipped, MNIST-shaped, and each malformed line it must name. */
class CsvTest {
    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    @Test
    void readsLabelsAndValuesWithOrWithoutAHeader() throws IOException {
        String body = "3,1,2.5,-4\n\n0, 7 ,8e-1,9\r\n";
        for (Path p : new Path[] {write("plain.csv", body), write("header.csv", "label,a,b,c\n" + body)}) {
            Dataset d = Csv.read(p, new int[] {3});
            assertEquals(2, d.size(), p.toString());
            assertArrayEquals(new int[] {3, 0}, d.labels());
            assertArrayEquals(new float[] {1, 2.5f, -4, 7, 0.8f, 9}, d.features());
        }
    }

    @Test
    void readsGzippedFiles() throws IOException {
        Path p = dir.resolve("x.csv.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(p))) {
            out.write("1,5,6\n2,7,8\n".getBytes(StandardCharsets.UTF_8));
        }
        Dataset d = Csv.read(p, new int[] {1, 2});
        assertArrayEquals(new int[] {1, 2}, d.sampleShape());
        assertArrayEquals(new float[] {5, 6, 7, 8}, d.features());
    }

    @Test
    void readsMnistRowsScaledToUnitRange() throws IOException {
        StringBuilder sb = new StringBuilder("label");
        for (int i = 0; i < 784; i++) sb.append(",pixel").append(i);
        sb.append('\n');
        for (int label : new int[] {7, 2, 1}) {
            sb.append(label);
            for (int i = 0; i < 784; i++) sb.append(',').append((i * 7 + label) % 256);
            sb.append('\n');
        }
        Dataset d = Csv.readMnist(write("mnist.csv", sb.toString()));
        assertEquals(3, d.size());
        assertArrayEquals(new int[] {1, 28, 28}, d.sampleShape());
        assertArrayEquals(new int[] {7, 2, 1}, d.labels());
        for (int s = 0; s < 3; s++) {
            for (int i = 0; i < 784; i++) {
                assertEquals(((i * 7 + d.labels()[s]) % 256) / 255f, d.features()[s * 784 + i], 0, "bit-identical to the IDX loader's scaling");
            }
        }
    }

    @Test
    void namesFileLineAndColumnOfEachProblem() throws IOException {
        expect("short.csv", "1,2,3,4\n4,5\n", "short.csv:2:4: expected 4 fields (a label and 3 values), found 2");
        expect("long.csv", "1,2,3,4,5\n", "long.csv:1:8: expected 4 fields");
        expect("value.csv", "1,2,3,4\n5,6,x7,8\n", "value.csv:2:5: value 2 'x7' is not a finite number");
        expect("nan.csv", "1,NaN,3,4\n", "nan.csv:1:3: value 1 'NaN' is not a finite number");
        expect("label.csv", "1,2,3,4\n-1,2,3,4\n", "label.csv:2:1: the label '-1' is not a non-negative integer");
        expect("empty.csv", "label,a,b,c\n\n", "empty.csv: no samples");
        expect("blank.csv", "", "blank.csv: no samples");
    }

    @Test
    void refusesMnistRowsOutsideTheDigitsAndTheByteRange() throws IOException {
        String pixels = ",0".repeat(783);
        IOException label = assertThrows(IOException.class, () -> Csv.readMnist(write("l.csv", "12,0" + pixels + "\n")));
        assertTrue(label.getMessage().contains("l.csv") && label.getMessage().contains("label 12"), label.getMessage());
        IOException pixel = assertThrows(IOException.class, () -> Csv.readMnist(write("p.csv", "1,0" + pixels + "\n2,300" + pixels + "\n")));
        assertTrue(pixel.getMessage().contains("p.csv: sample 2, pixel 0 is 300.0"), pixel.getMessage());
        IOException width = assertThrows(IOException.class, () -> Csv.readMnist(write("w.csv", "1" + pixels + "\n")));
        assertTrue(width.getMessage().contains("w.csv:1:") && width.getMessage().contains("expected 785 fields"), width.getMessage());
    }

    private void expect(String name, String text, String message) throws IOException {
        Path p = write(name, text);
        IOException e = assertThrows(IOException.class, () -> Csv.read(p, new int[] {3}));
        assertTrue(e.getMessage().startsWith(p + message.substring(name.length())), e.getMessage());
    }
}
