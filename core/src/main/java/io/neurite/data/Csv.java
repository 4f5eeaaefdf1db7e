package io.neurite.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Reads labelled samples from CSV: each line is an integer label, then the sample's values in
 * row-major order (for MNIST: the label, then 784 pixels, as in the widely shared
 * {@code mnist_train.csv} and Kaggle's {@code train.csv}). A header line is optional: it is
 * recognised by a first field that is not an integer, and skipped. Blank lines are skipped;
 * {@code .gz} files are decompressed. Every problem is reported as {@code file:line:column: what},
 * the column counting characters from 1, so editors can jump to it.
 *
 * <pre>{@code
 * Dataset train = Csv.readMnist(Path.of("mnist_train.csv"));        // [1, 28, 28] in [0, 1]
 * Dataset any = Csv.read(Path.of("iris.csv"), new int[] {4});       // raw values
 * }</pre>
 */
public final class Csv {
    private Csv() {
    }

    /** Labelled samples of the given shape with the file's values as they are. */
    public static Dataset read(Path file, int[] sampleShape) throws IOException {
        return DataErrors.naming(file.toString(), () -> {
            try (InputStream raw = Files.newInputStream(file);
                 InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw) {
                return read(new InputStreamReader(in, StandardCharsets.UTF_8), file.toString(), sampleShape);
            }
        });
    }

    /** Reads from a reader; name is used in messages. */
    public static Dataset read(Reader reader, String name, int[] sampleShape) throws IOException {
        int width = 1;
        for (int d : sampleShape) width *= d;
        List<float[]> rows = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        BufferedReader in = new BufferedReader(reader, 1 << 16);
        String line;
        int lineNo = 0;
        boolean first = true;
        while ((line = in.readLine()) != null) {
            lineNo++;
            if (line.isBlank()) continue;
            if (first) {
                first = false;
                if (!isInteger(firstField(line))) continue;   // a header: "label,pixel0,..." or "label,1x1,..."
            }
            float[] row = new float[width];
            labels.add(parseLine(line, row, name, lineNo));
            rows.add(row);
        }
        if (rows.isEmpty()) throw new IOException(name + ": no samples (the file is empty or holds only a header)");
        float[] features = new float[rows.size() * width];
        int[] y = new int[rows.size()];
        for (int i = 0; i < y.length; i++) {
            System.arraycopy(rows.get(i), 0, features, i * width, width);
            y[i] = labels.get(i);
        }
        return Dataset.ofLabels(features, sampleShape, y);
    }

    /**
     * MNIST in CSV: labels 0 to 9 and 784 pixels 0 to 255 per line, as [1, 28, 28] samples scaled
     * to [0, 1] exactly as {@link Mnist}'s (x / 255f, so both forms give identical floats).
     */
    public static Dataset readMnist(Path file) throws IOException {
        Dataset d = read(file, new int[] {1, 28, 28});
        for (int i = 0; i < d.size(); i++) {
            if (d.labels()[i] > 9) throw new IOException(file + ": sample " + (i + 1) + " has label " + d.labels()[i] + ", not a digit 0-9");
        }
        float[] x = d.features(), scaled = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            if (!(x[i] >= 0 && x[i] <= 255)) {
                throw new IOException(file + ": sample " + (i / 784 + 1) + ", pixel " + (i % 784) + " is " + x[i] + ", outside 0-255");
            }
            scaled[i] = x[i] / 255f;
        }
        return d.withFeatures(scaled);
    }

    /** Parses one line into row; returns its label. */
    private static int parseLine(String line, float[] row, String name, int lineNo) throws IOException {
        int pos = 0, field = 0, label = 0;
        while (true) {
            int end = line.indexOf(',', pos);
            if (end < 0) end = line.length();
            String text = line.substring(pos, end).strip();
            if (field == 0) {
                if (!isInteger(text) || text.length() > 9) {
                    throw error(name, lineNo, pos, "the label '" + text + "' is not a non-negative integer");
                }
                label = Integer.parseInt(text);
            } else if (field <= row.length) {
                row[field - 1] = parseValue(text, name, lineNo, pos, field);
            }
            field++;
            if (end == line.length()) break;
            pos = end + 1;
        }
        if (field != row.length + 1) {
            throw error(name, lineNo, field > row.length + 1 ? nthComma(line, row.length + 1) : line.length(),
                    "expected " + (row.length + 1) + " fields (a label and " + row.length + " values), found " + field);
        }
        return label;
    }

    private static float parseValue(String text, String name, int lineNo, int pos, int field) throws IOException {
        if (isInteger(text) && text.length() <= 9) return Integer.parseInt(text);   // the common case, without parseFloat's cost
        try {
            float v = Float.parseFloat(text);
            if (Float.isFinite(v)) return v;
        } catch (NumberFormatException e) {
            // reported below with the position
        }
        throw error(name, lineNo, pos, "value " + field + " '" + text + "' is not a finite number");
    }

    private static IOException error(String name, int line, int offset, String what) {
        return new IOException(name + ":" + line + ":" + (offset + 1) + ": " + what);
    }

    private static String firstField(String line) {
        int end = line.indexOf(',');
        return (end < 0 ? line : line.substring(0, end)).strip();
    }

    private static int nthComma(String line, int n) {
        int pos = -1;
        for (int i = 0; i < n; i++) pos = line.indexOf(',', pos + 1);
        return pos;
    }

    private static boolean isInteger(String s) {
        if (s.isEmpty()) return false;
        for (int i = 0; i < s.length(); i++) if (s.charAt(i) < '0' || s.charAt(i) > '9') return false;
        return true;
    }
}
