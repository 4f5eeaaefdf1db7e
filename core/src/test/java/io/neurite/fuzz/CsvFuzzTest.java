package io.neurite.fuzz;

import static io.neurite.fuzz.Refusals.refusedCleanly;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.neurite.data.Csv;
import io.neurite.data.Dataset;
import java.nio.file.Path;

/** Labelled CSV files (a label and three values a line), gzipped when the input starts with gzip's magic. */
class CsvFuzzTest {
    private static final Path DIR = Refusals.scratch("csv");

    @FuzzTest(maxDuration = "5m")
    void csv(byte[] data) {
        boolean gzip = data.length >= 2 && data[0] == 0x1F && (data[1] & 0xFF) == 0x8B;
        Path file = DIR.resolve(gzip ? "fuzz.csv.gz" : "fuzz.csv");
        Refusals.put(file, data);
        refusedCleanly(file.toString(), () -> {
            Dataset d = Csv.read(file, new int[] {3});
            if (d.features().length != 3 * d.size()) throw new AssertionError(d.size() + " samples, " + d.features().length + " values");
        });
    }
}
