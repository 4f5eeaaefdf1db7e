package io.neurite.behaviour;

import static io.neurite.behaviour.CheckpointFixtures.bits;
import static io.neurite.behaviour.CheckpointFixtures.weights;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurite.checkpoint.Checkpoint;
import io.neurite.checkpoint.ModelCheckpoint;
import io.neurite.checkpoint.TrainingState;
import io.neurite.data.Dataset;
import io.neurite.checkpoint.Checkpoint;
import io.neurite.checkpoint.ModelCheckpoint;
import io.neurite.checkpoint.TrainingState;
import io.neurite.nn.Model;
import io.neurite.optim.Adam;
import io.neurite.optim.Optimizer;
import io.neurite.optim.SGD;
import io.neurite.train.FitOptions;
import io.neurite.train.Loss;
import io.neurite.train.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exact resume: two epochs straight give bit-identical weights to one epoch, a save, new model and
 * optimiser objects built from the checkpoint, and one more epoch, on the same device. Kernels have
 * no atomics and launch the same plans for the same shapes, so every backend is held to bits here.
 */
public abstract class CheckpointResumeBehaviour extends DeviceSuite {
    @TempDir
    Path root;
    private Path dir;
    private final Dataset train = CheckpointFixtures.patterns(200, 3), validation = CheckpointFixtures.patterns(64, 4);

    @BeforeEach
    void freshDirectory() throws IOException {
        dir = Files.createTempDirectory(root, "ck");
    }

    private FitOptions options() {
        return new FitOptions().batchSize(24).seed(11).verbose(0).validationData(validation);
    }

    private float[] straight(Supplier<Model> arch, Supplier<Optimizer> opt, int epochs) {
        try (Model m = arch.get().build(device, 7); Optimizer o = opt.get()) {
            new Trainer(m, o, Loss.sparseCategoricalCrossentropy().fromLogits()).fit(train, options().epochs(epochs));
            return weights(m);
        }
    }

    /** One epoch saved by the callback, then everything rebuilt from the directory and trained to two. */
    private float[] resumed(Supplier<Model> arch, Supplier<Optimizer> opt, boolean withState) throws IOException {
        try (Model m = arch.get().build(device, 7); Optimizer o = opt.get()) {
            new Trainer(m, o, Loss.sparseCategoricalCrossentropy().fromLogits()).fit(train, options().epochs(1)
                    .callbacks(new ModelCheckpoint(dir).weightsOnly(!withState)));
        }
        // A different build seed: every weight and generator must come from the checkpoint.
        try (Model m = Checkpoint.readModel(dir).build(device, 12345); Optimizer o = opt.get()) {
            TrainingState s = Checkpoint.restore(dir, m, withState ? o : null);
            FitOptions resume = withState ? s.applyTo(options().epochs(2)) : options().epochs(2).initialEpoch(1);
            new Trainer(m, o, Loss.sparseCategoricalCrossentropy().fromLogits()).fit(train, resume);
            return weights(m);
        }
    }

    @Test
    void adamWithBatchNormAndDropoutResumesBitForBit() throws IOException {
        float[] a = straight(CheckpointFixtures::convNet, () -> new Adam(3e-3f), 2);
        float[] b = resumed(CheckpointFixtures::convNet, () -> new Adam(3e-3f), true);
        assertArrayEquals(bits(a), bits(b));
        assertFalse(Arrays.equals(bits(a), bits(straight(CheckpointFixtures::convNet, () -> new Adam(3e-3f), 1))), "the second epoch changed weights");
    }

    @Test
    void sgdWithMomentumResumesBitForBit() throws IOException {
        float[] a = straight(CheckpointFixtures::mlp, () -> new SGD(0.1f, 0.9f, true), 2);
        assertArrayEquals(bits(a), bits(resumed(CheckpointFixtures::mlp, () -> new SGD(0.1f, 0.9f, true), true)));
    }

    /** The control: without the optimiser state (Adam's moments and step count) the run does not come out the same. */
    @Test
    void weightsOnlyIsNotAnExactResume() throws IOException {
        float[] a = straight(CheckpointFixtures::convNet, () -> new Adam(3e-3f), 2);
        float[] b = resumed(CheckpointFixtures::convNet, () -> new Adam(3e-3f), false);
        assertFalse(Arrays.equals(bits(a), bits(b)));
        assertFalse(Files.exists(dir.resolve(Checkpoint.OPTIMIZER)), "a weights-only save writes no optimiser state");
    }

    @Test
    void bestOnlySavesWhenTheMonitoredValueImprovesAndRemembersTheBestAcrossAResume() throws IOException {
        ModelCheckpoint best = new ModelCheckpoint(dir).saveBestOnly("val_loss").notes(Map.of("model", "convnet"));
        try (Model m = CheckpointFixtures.convNet().build(device, 7); Optimizer o = new Adam(3e-3f)) {
            var h = new Trainer(m, o, Loss.sparseCategoricalCrossentropy().fromLogits()).fit(train, options().epochs(4).callbacks(best));
            double min = h.get("val_loss").stream().mapToDouble(d -> d).min().orElseThrow();
            assertEquals(min, best.best());
            try (Model r = Checkpoint.readModel(dir).build(device, 1); Optimizer o2 = new Adam(3e-3f)) {
                TrainingState s = Checkpoint.restore(dir, r, o2);
                assertEquals(h.get("val_loss").indexOf(min) + 1, s.epoch(), "the saved epoch is the best one");
                assertEquals("val_loss", s.monitor());
                assertEquals(min, s.best());
                assertEquals("convnet", s.notes().get("model"));
                assertTrue(new ModelCheckpoint(dir).saveBestOnly("val_loss").resumeFrom(s).best() == min);
            }
        }
    }
}
