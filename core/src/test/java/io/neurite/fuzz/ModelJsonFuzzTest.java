package io.neurite.fuzz;

import static io.neurite.fuzz.Refusals.refusedCleanly;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.neurite.checkpoint.ModelJson;
import io.neurite.nn.Model;
import java.nio.file.Path;

/** Model files (model.json): every layer rebuilt through LayerRegistry; what reads must write back. */
class ModelJsonFuzzTest {
    private static final Path FILE = Refusals.scratch("model").resolve("model.json");

    @FuzzTest(maxDuration = "5m")
    void model(byte[] data) {
        Refusals.put(FILE, data);
        refusedCleanly(FILE.toString(), () -> {
            Model m = ModelJson.read(FILE);
            ModelJson.toJson(m);
        });
    }
}
