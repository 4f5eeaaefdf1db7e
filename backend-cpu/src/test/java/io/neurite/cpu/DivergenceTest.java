package io.neurite.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurite.behaviour.CheckpointFixtures;
import io.neurite.checkpoint.Checkpoint;
import io.neurite.checkpoint.ModelCheckpoint;
import io.neurite.device.Device;
import io.neurite.device.Devices;
import io.neurite.io.CheckpointException;
import io.neurite.io.SafeTensors;
import io.neurite.nn.Model;
import io.neurite.optim.Adam;
import io.neurite.optim.Optimizer;
import io.neurite.optim.SGD;
import io.neurite.train.FitOptions;
import io.neurite.train.History;
import io.neurite.train.Loss;
import io.neurite.train.Trainer;
import io.neurite.train.TrainingDivergedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Divergence is never silent: fit stops at the first non-finite loss or weight, naming the epoch,
 * batch and layer; a checkpoint holding NaN or infinity, or an optimiser state that does not fit,
 * is refused on load naming what is wrong, and changes nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DivergenceTest {
    private Device cpu;
    @TempDir
    Path root;

    @BeforeAll
    void open() {
        cpu = Devices.get("cpu:0");
    }

    @AfterAll
    void close() {
        cpu.close();
    }

    @AfterEach
    void nothingLeft() {
        assertEquals(0, cpu.liveBuffers(), "every tensor closed");
    }

    @Test
    void fitStopsAtTheFirstNonFiniteLossNamingEpochBatchAndLayer() throws IOException {
        Path ck = root.resolve("ck");
        try (Model m = CheckpointFixtures.mlp().build(cpu, 1); Optimizer o = new SGD(1e38f)) {
            Trainer t = new Trainer(m, o, Loss.sparseCategoricalCrossentropy().fromLogits());
            TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> t.fit(CheckpointFixtures.patterns(64, 1),
                    new FitOptions().batchSize(8).epochs(2).verbose(0).callbacks(new ModelCheckpoint(ck))));
            assertEquals(1, e.epoch());
            assertTrue(e.batch() >= 2 && e.batch() <= 8, "the first batch's loss is finite, a later one is not: " + e.getMessage());
            assertNotNull(e.parameter(), e.getMessage());
            assertTrue(e.layer().startsWith("dense_"), e.layer());
            assertEquals(1, e.getMessage().lines().count(), e.getMessage());
            assertTrue(e.getMessage().contains("epoch 1, batch " + e.batch() + ": the loss is ") && e.getMessage().contains(e.parameter()),
                    e.getMessage());
            assertFalse(Files.exists(ck.resolve(Checkpoint.WEIGHTS)), "no checkpoint of a diverged model");
        }
    }

    @Test
    void stopOnNonFiniteFalseTrainsOn() {
        try (Model m = CheckpointFixtures.mlp().build(cpu, 1); Optimizer o = new SGD(1e38f)) {
            History h = new Trainer(m, o, Loss.sparseCategoricalCrossentropy().fromLogits()).fit(CheckpointFixtures.patterns(64, 1),
                    new FitOptions().batchSize(8).epochs(2).verbose(0).stopOnNonFinite(false));
            assertTrue(Double.isNaN(h.get("loss").getLast()) || Double.isInfinite(h.get("loss").getLast()), String.valueOf(h.get("loss")));
        }
    }

    /** Keras' rule: a batch larger than the data is one batch of all of it. */
    @Test
    void aBatchLargerThanTheDataIsOneBatch() {
        try (Model m = CheckpointFixtures.mlp().build(cpu, 1); Optimizer o = new Adam(1e-3f)) {
            Trainer t = new Trainer(m, o, Loss.sparseCategoricalCrossentropy().fromLogits());
            t.fit(CheckpointFixtures.patterns(40, 1), new FitOptions().batchSize(Integer.MAX_VALUE).epochs(2).verbose(0));
            assertEquals(2, o.iterations());
            assertEquals(2, t.evaluate(CheckpointFixtures.patterns(40, 2), Integer.MAX_VALUE).size());
        }
    }

    @Test
    void learningRatesMustBeFinite() {
        assertThrows(IllegalArgumentException.class, () -> new SGD(Float.POSITIVE_INFINITY));
        assertThrows(IllegalArgumentException.class, () -> new Adam(Float.NaN));
        try (Optimizer o = new Adam(1e-3f)) {
            assertThrows(IllegalArgumentException.class, () -> o.setLearningRate(Float.POSITIVE_INFINITY));
        }
    }

    /** A full checkpoint of the MLP after one epoch with Adam. */
    private Path saved() throws IOException {
        Path ck = Files.createTempDirectory(root, "ck");
        try (Model m = CheckpointFixtures.mlp().build(cpu, 1); Optimizer o = new Adam(1e-3f)) {
            new Trainer(m, o, Loss.sparseCategoricalCrossentropy().fromLogits()).fit(CheckpointFixtures.patterns(48, 1),
                    new FitOptions().batchSize(16).verbose(0).callbacks(new ModelCheckpoint(ck)));
        }
        return ck;
    }

    /** Rewrites a safetensors file with valid checksums: its tensors changed by edit, its metadata by meta. */
    private static void rewrite(Path file, UnaryOperator<List<SafeTensors.Named>> edit, UnaryOperator<Map<String, String>> meta) throws IOException {
        List<SafeTensors.Named> tensors = new ArrayList<>();
        Map<String, String> metadata;
        try (SafeTensors.Reader r = SafeTensors.open(file)) {
            for (var e : r.entries().values()) tensors.add(new SafeTensors.Named(e.name(), e.shape(), r.floats(e.name())));
            metadata = new LinkedHashMap<>(r.metadata());
        }
        metadata.keySet().removeIf(k -> k.startsWith("crc32c:"));
        SafeTensors.write(file, edit.apply(tensors), meta.apply(metadata));
    }

    private static UnaryOperator<List<SafeTensors.Named>> poison(String name, float value) {
        return ts -> {
            for (SafeTensors.Named t : ts) if (t.name().equals(name)) t.values()[3] = value;
            return ts;
        };
    }

    /** Restoring into a fresh MLP and Adam fails naming every fragment and changes nothing. */
    private void refused(Path ck, String... fragments) throws IOException {
        try (Model m = CheckpointFixtures.mlp().build(cpu, 2); Optimizer o = new Adam(1e-3f)) {
            float[] before = CheckpointFixtures.weights(m);
            CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.restore(ck, m, o));
            for (String s : fragments) assertTrue(e.getMessage().contains(s), "'" + s + "' in: " + e.getMessage());
            assertEquals(1, e.getMessage().lines().count(), e.getMessage());
            assertArrayEquals(CheckpointFixtures.bits(before), CheckpointFixtures.bits(CheckpointFixtures.weights(m)));
            assertEquals(0, o.iterations());
        }
    }

    @Test
    void nonFiniteWeightsWithValidChecksumsAreRefused() throws IOException {
        Path ck = saved(), w = ck.resolve(Checkpoint.WEIGHTS);
        rewrite(w, poison("dense_2/kernel", Float.NaN), UnaryOperator.identity());
        refused(ck, w.toString(), "tensor 'dense_2/kernel' holds NaN at element 3");
        try (Model m = CheckpointFixtures.mlp().build(cpu, 2)) {
            assertThrows(CheckpointException.class, () -> Checkpoint.loadWeights(m, w));
        }
        rewrite(w, poison("dense_2/kernel", 1f), UnaryOperator.identity());
        rewrite(ck.resolve(Checkpoint.OPTIMIZER), poison("dense_1/bias/state1", Float.POSITIVE_INFINITY), UnaryOperator.identity());
        refused(ck, Checkpoint.OPTIMIZER, "tensor 'dense_1/bias/state1' holds Infinity");
    }

    @Test
    void anOptimizerStateWithoutTensorsIsRefused() throws IOException {
        Path ck = saved();
        rewrite(ck.resolve(Checkpoint.OPTIMIZER), ts -> List.of(), UnaryOperator.identity());
        refused(ck, Checkpoint.OPTIMIZER, "no tensor 'dense_1/kernel/state0' and 7 more", "Adam");
        Path ck2 = saved();
        rewrite(ck2.resolve(Checkpoint.OPTIMIZER), ts -> ts.subList(0, ts.size() - 1), UnaryOperator.identity());
        refused(ck2, "no tensor 'dense_2/bias/state1'");
    }

    @Test
    void metadataOutOfRangeIsRefused() throws IOException {
        for (String[] bad : new String[][] {{"base_learning_rate", "0"}, {"base_learning_rate", "Infinity"}, {"base_learning_rate", "NaN"},
                {"iterations", "-1"}, {"iterations", "1.5"}, {"iterations", null}, {"state_count", "x"}}) {
            Path ck = saved();
            rewrite(ck.resolve(Checkpoint.OPTIMIZER), UnaryOperator.identity(), m -> {
                if (bad[1] == null) m.remove(bad[0]);
                else m.put(bad[0], bad[1]);
                return m;
            });
            refused(ck, Checkpoint.OPTIMIZER, "\"" + bad[0] + "\"", bad[1] == null ? "none" : "\"" + bad[1] + "\"");
        }
        Path ck = saved();
        rewrite(ck.resolve(Checkpoint.OPTIMIZER), ts -> List.of(), m -> {
            m.put("iterations", "0");
            return m;
        });
        refused(ck, Checkpoint.OPTIMIZER, "0 optimiser steps", "1 epochs are done");
    }

    @Test
    void aTrainingStateThatIsADirectoryIsNamed() throws IOException {
        Path ck = saved(), t = ck.resolve(Checkpoint.TRAINING);
        Files.delete(t);
        Files.createDirectory(t);
        try (Model m = CheckpointFixtures.mlp().build(cpu, 2); Optimizer o = new Adam(1e-3f)) {
            IOException e = assertThrows(IOException.class, () -> Checkpoint.restore(ck, m, o));
            assertTrue(e.getMessage().startsWith(t.toString()), e.getMessage());
        }
    }
}
