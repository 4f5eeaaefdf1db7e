package io.neurite.behaviour;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurite.data.Dataset;
import io.neurite.device.Profile;
import io.neurite.nn.Model;
import io.neurite.optim.Adam;
import io.neurite.optim.Optimizer;
import io.neurite.optim.SGD;
import io.neurite.train.Callback;
import io.neurite.train.FitOptions;
import io.neurite.train.History;
import io.neurite.train.Loss;
import io.neurite.train.Trainer;
import io.neurite.train.TrainingDivergedException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A training step reads nothing back to the host: each read of a device buffer waits for the
 * queue, so fit keeps its loss and accuracy totals on the device and reads them once a second
 * (ten times with a live bar), when a callback asks for batch logs, and at the end of an epoch.
 * {@code Device.downloads()} counts every read, on every backend; before this, each batch read its
 * loss and its correct count (two a batch).
 */
public abstract class HostReadBehaviour extends DeviceSuite {
    private static final int SAMPLES = 192, BATCH = 4, EPOCHS = 2;

    @Test
    void anEpochReadsItsTotalsAtTheEndNotPerBatch() {
        for (Model spec : new Model[] {CheckpointFixtures.mlp(), CheckpointFixtures.convNet()}) {
            try (Model m = spec.build(device, 3); Optimizer o = new Adam(1e-3f)) {
                Trainer t = new Trainer(m, o, Loss.sparseCategoricalCrossentropy().fromLogits()).output(quiet());
                Dataset data = CheckpointFixtures.patterns(SAMPLES, 4);
                long before = device.downloads(), start = System.nanoTime();
                History h = t.fit(data, new FitOptions().batchSize(BATCH).epochs(EPOCHS).verbose(0).stopOnNonFinite(false));
                long reads = device.downloads() - before, seconds = (System.nanoTime() - start) / 1_000_000_000L;
                // One read an epoch, plus at most one for each second the epochs ran (the timed check).
                long allowed = EPOCHS + seconds + EPOCHS;
                assertTrue(reads <= allowed, device.id() + ": " + reads + " host reads in " + EPOCHS * SAMPLES / BATCH
                        + " batches (" + seconds + " s), at most " + allowed + " allowed");
                assertTrue(h.get("accuracy").getLast() > 0.2, "it still learns and reports: " + h.get("accuracy"));
                assertEquals(EPOCHS * SAMPLES / BATCH, o.iterations());
            }
        }
    }

    @Test
    void theProfileCountsWhatTheStepsDid() {
        try (Model m = CheckpointFixtures.mlp().build(device, 9); Optimizer o = new Adam(1e-3f)) {
            Trainer t = new Trainer(m, o, Loss.sparseCategoricalCrossentropy().fromLogits()).output(quiet());
            device.profileOps(true);
            Profile before = device.profile();
            long reads = device.downloads();
            t.fit(CheckpointFixtures.patterns(64, 10), new FitOptions().batchSize(8).epochs(1).verbose(0).stopOnNonFinite(false));
            Profile p = device.profile().since(before);
            device.profileOps(false);
            assertEquals(device.downloads() - reads, p.downloads());
            assertTrue(p.uploads() >= 2 * 8 && p.uploadBytes() >= 64 * 64 * 4, "features and labels of 8 batches: " + p);
            assertTrue(p.ops() >= 8 * 5 && p.opNanos() > 0, "forward, loss, backward and update ops of 8 batches: " + p);
            assertTrue(onReference() ? p.launches() == 0 : p.launches() >= 8 * 5, "kernel launches: " + p);
            long opsOff = device.profile().ops();
            t.evaluate(CheckpointFixtures.patterns(16, 11), 8);
            assertEquals(opsOff, device.profile().ops(), "op calls are counted only while profiling");
        }
    }

    @Test
    void theFiniteChecksReadTheWeightsOnceAnEpochAndEvaluateOnce() {
        try (Model m = CheckpointFixtures.mlp().build(device, 5); Optimizer o = new Adam(1e-3f)) {
            Trainer t = new Trainer(m, o, Loss.sparseCategoricalCrossentropy().fromLogits()).output(quiet());
            Dataset data = CheckpointFixtures.patterns(SAMPLES, 6);
            long before = device.downloads(), start = System.nanoTime();
            t.fit(data, new FitOptions().batchSize(BATCH).epochs(EPOCHS).verbose(0));
            long reads = device.downloads() - before, seconds = (System.nanoTime() - start) / 1_000_000_000L;
            long allowed = EPOCHS * (1 + m.parameters().size()) + seconds + EPOCHS;
            assertTrue(reads <= allowed, device.id() + ": " + reads + " reads with the finite checks, at most " + allowed);
            before = device.downloads();
            Map<String, Double> scores = t.evaluate(data, 8);
            assertEquals(1, device.downloads() - before, "evaluate reads its totals once: " + scores);
        }
    }

    @Test
    void aCallbackWithBatchLogsGetsThemEveryBatch() {
        try (Model m = CheckpointFixtures.mlp().build(device, 7); Optimizer o = new Adam(1e-3f)) {
            int[] seen = new int[1];
            Callback perBatch = new Callback() {
                @Override
                public void onBatchEnd(Trainer trainer, int batch, Map<String, Double> logs) {
                    assertTrue(Double.isFinite(logs.get("loss")) && logs.get("accuracy") >= 0, logs.toString());
                    seen[0]++;
                }
            };
            new Trainer(m, o, Loss.sparseCategoricalCrossentropy().fromLogits()).output(quiet())
                    .fit(CheckpointFixtures.patterns(40, 8), new FitOptions().batchSize(8).epochs(1).verbose(0).callbacks(perBatch));
            assertEquals(5, seen[0]);
        }
    }

    @Test
    void aLossGoneNonFiniteStillStopsNamingItsBatch() {
        try (Model m = CheckpointFixtures.mlp().build(device, 1); Optimizer o = new SGD(1e38f)) {
            Trainer t = new Trainer(m, o, Loss.sparseCategoricalCrossentropy().fromLogits()).output(quiet());
            TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                    () -> t.fit(CheckpointFixtures.patterns(64, 1), new FitOptions().batchSize(8).epochs(2).verbose(0)));
            assertEquals(1, e.epoch());
            assertTrue(e.batch() >= 2 && e.batch() <= 8, e.getMessage());
            assertTrue(e.getMessage().contains("epoch 1, batch " + e.batch() + ": the loss is "), e.getMessage());
        }
    }
}
