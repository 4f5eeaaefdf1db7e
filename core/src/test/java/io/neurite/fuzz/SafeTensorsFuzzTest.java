package io.neurite.fuzz;

import static io.neurite.fuzz.Refusals.refusedCleanly;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.neurite.io.SafeTensors;
import java.nio.file.Path;

/** Safetensors files: opened, validated, and every F32 tensor read. */
class SafeTensorsFuzzTest {
    private static final Path FILE = Refusals.scratch("safetensors").resolve("fuzz.safetensors");

    @FuzzTest(maxDuration = "5m")
    void safetensors(byte[] data) {
        Refusals.put(FILE, data);
        refusedCleanly(FILE.toString(), () -> {
            try (SafeTensors.Reader r = SafeTensors.open(FILE)) {
                for (SafeTensors.Entry e : r.entries().values()) {
                    if (e.dtype().equals("F32") && r.floats(e.name()).length * 4L != e.end() - e.begin()) throw new AssertionError(e.name());
                }
            }
        });
    }
}
