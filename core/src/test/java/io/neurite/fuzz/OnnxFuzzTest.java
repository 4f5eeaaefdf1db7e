package io.neurite.fuzz;

import static io.neurite.fuzz.Refusals.refusedCleanly;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.neurite.onnx.OnnxImport;
import java.nio.file.Path;

/** ONNX files: parsed, checked and converted to an unbuilt model (OnnxImport.problems); a refusal is one line naming the file. */
class OnnxFuzzTest {
    private static final Path FILE = Refusals.scratch("onnx").resolve("model.onnx");

    @FuzzTest(maxDuration = "5m")
    void onnx(byte[] data) {
        Refusals.put(FILE, data);
        refusedCleanly(FILE.toString(), () -> OnnxImport.problems(FILE));
    }
}
