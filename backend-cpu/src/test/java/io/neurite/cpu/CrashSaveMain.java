package io.neurite.cpu;

import io.neurite.behaviour.CheckpointFixtures;
import io.neurite.checkpoint.Checkpoint;
import io.neurite.checkpoint.TrainingState;
import io.neurite.device.Device;
import io.neurite.device.Devices;
import io.neurite.nn.Model;
import io.neurite.optim.Adam;
import io.neurite.train.Callback;
import io.neurite.train.FitOptions;
import io.neurite.train.Loss;
import io.neurite.train.Trainer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * The child process of {@link CrashSafeCheckpointTest}: trains the checkpoint fixtures' MLP on 32
 * samples (two steps an epoch), saving a full checkpoint to DIR after every epoch, with the
 * weights' hash in the training state's notes; resumes from DIR when it holds a checkpoint.
 * Prints "resumed E" and "saved E" lines. Usage: {@code CrashSaveMain DIR EPOCHS}.
 */
public final class CrashSaveMain {
    /** Steps per epoch: the optimiser's step count must be epoch times this. */
    static final int STEPS = 2;

    private CrashSaveMain() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        int epochs = Integer.parseInt(args[1]);
        try (Device cpu = Devices.get("cpu:0"); Model m = CheckpointFixtures.mlp().build(cpu, 7); Adam adam = new Adam(1e-2f)) {
            FitOptions o = new FitOptions().batchSize(16).epochs(epochs).seed(11).verbose(0);
            if (Files.isDirectory(dir) && Checkpoint.hasTrainingState(dir)) {
                TrainingState s = Checkpoint.restore(dir, m, adam);
                s.applyTo(o);
                System.out.println("resumed " + s.epoch());
            }
            System.out.flush();
            Trainer t = new Trainer(m, adam, Loss.sparseCategoricalCrossentropy().fromLogits());
            t.fit(CheckpointFixtures.patterns(16 * STEPS, 5), o.callbacks(new Callback() {
                @Override
                public void onEpochEnd(Trainer trainer, int epoch, Map<String, Double> logs) {
                    try {
                        Checkpoint.save(dir, m, adam, new TrainingState(epoch + 1, 11, 16, true, null, Double.NaN,
                                Map.of("weights", hash(CheckpointFixtures.weights(m)))));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    System.out.println("saved " + (epoch + 1));
                    System.out.flush();
                }
            }));
            System.out.println("done " + hash(CheckpointFixtures.weights(m)));
        }
    }

    /** The weights' bits as one hex word, as the training state's note and the test compare it. */
    static String hash(float[] weights) {
        return Integer.toHexString(Arrays.hashCode(CheckpointFixtures.bits(weights)));
    }
}
