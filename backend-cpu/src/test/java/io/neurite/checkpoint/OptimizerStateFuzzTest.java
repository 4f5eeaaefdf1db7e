package io.neurite.checkpoint;

import static io.neurite.fuzz.Refusals.refusedCleanly;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.neurite.device.Device;
import io.neurite.device.Devices;
import io.neurite.fuzz.Refusals;
import io.neurite.io.SafeTensors;
import io.neurite.nn.Dense;
import io.neurite.nn.Flatten;
import io.neurite.nn.Input;
import io.neurite.nn.Model;
import io.neurite.nn.Sequential;
import io.neurite.optim.Adam;
import java.nio.file.Path;

/**
 * optimizer.safetensors (the optimiser state of a checkpoint), read against a built model and a
 * fresh Adam, then applied, as {@link Checkpoint#restore} does after validating it. In this
 * package because {@link OptimizerState} is package-private; seeds are real saves of this model.
 */
class OptimizerStateFuzzTest {
    private static final Path FILE = Refusals.scratch("optimizer").resolve(Checkpoint.OPTIMIZER);
    private static final Device CPU = Devices.get("cpu:0");
    /** Flatten of [1, 2, 2], then Dense(3): weights d/kernel [4, 3] and d/bias [3]. */
    private static final Model MODEL = new Sequential(Input.of(1, 2, 2), new Flatten(), new Dense(3).named("d")).build(CPU, 1);

    @FuzzTest(maxDuration = "5m")
    void optimizer(byte[] data) {
        Refusals.put(FILE, data);
        refusedCleanly(FILE.toString(), () -> {
            try (SafeTensors.Reader r = SafeTensors.open(FILE); Adam adam = new Adam(1e-3f)) {
                OptimizerState.read(r, MODEL, adam).applyTo(adam);
            }
        });
    }
}
