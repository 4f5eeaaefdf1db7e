package io.neurite.checkpoint;

import io.neurite.train.Callback;
import io.neurite.train.Trainer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Saves a checkpoint directory at the end of epochs, as Keras' {@code ModelCheckpoint}: every
 * epoch, or only when a monitored value improves ({@code val_accuracy} and other names holding
 * "acc" improve upwards, others such as {@code val_loss} downwards); with the optimiser and
 * training state for an exact resume (default), or the model and weights only. A failed save
 * stops training with an {@link UncheckedIOException}; the previous checkpoint stays whole.
 *
 * <pre>{@code
 * trainer.fit(train, new FitOptions().epochs(10).validationData(test)
 *         .callbacks(new ModelCheckpoint(Path.of("ck")).saveBestOnly("val_accuracy")));
 * }</pre>
 */
public final class ModelCheckpoint implements Callback {
    private final Path dir;
    private String monitor;
    private boolean weightsOnly;
    private double best = Double.NaN;
    private Map<String, String> notes = Map.of();
    private boolean warned;

    public ModelCheckpoint(Path dir) {
        this.dir = dir;
    }

    /** Saves only after epochs that improve the monitored value on the best so far. */
    public ModelCheckpoint saveBestOnly(String monitor) {
        this.monitor = monitor;
        return this;
    }

    /** Saves the model and weights only, without optimiser and training state. */
    public ModelCheckpoint weightsOnly(boolean w) {
        weightsOnly = w;
        return this;
    }

    /** Application notes stored in the training state (e.g. the names of the model and optimiser). */
    public ModelCheckpoint notes(Map<String, String> n) {
        notes = Map.copyOf(n);
        return this;
    }

    /** Continues a resumed run: the best value so far comes from its training state. */
    public ModelCheckpoint resumeFrom(TrainingState s) {
        if (s != null && monitor != null && monitor.equals(s.monitor())) best = s.best();
        return this;
    }

    /** The best monitored value so far, or NaN. */
    public double best() {
        return best;
    }

    private boolean improves(double v) {
        if (Double.isNaN(best)) return !Double.isNaN(v);
        return monitor.contains("acc") ? v > best : v < best;
    }

    @Override
    public void onEpochEnd(Trainer trainer, int epoch, Map<String, Double> logs) {
        if (monitor != null) {
            Double v = logs.get(monitor);
            boolean validated = logs.keySet().stream().anyMatch(k -> k.startsWith("val_"));
            if (v == null && monitor.startsWith("val_") && !validated) {
                // Validation did not run this epoch (validationFreq, or no validation data): Keras skips the epoch too.
                if (!warned) System.err.println("ModelCheckpoint: no '" + monitor + "' after epoch " + (epoch + 1) + " (no validation); not saved");
                warned = true;
                return;
            }
            if (v == null) throw new IllegalArgumentException("ModelCheckpoint monitors '" + monitor + "', which is not in " + logs.keySet());
            if (!improves(v)) return;
            best = v;
        }
        try {
            if (weightsOnly) {
                Checkpoint.save(dir, trainer.model(), null, null);
            } else {
                TrainingState s = new TrainingState(epoch + 1, trainer.seed(), trainer.batchSize(), trainer.shuffles(), monitor,
                        monitor == null ? Double.NaN : best, notes);
                Checkpoint.save(dir, trainer.model(), trainer.optimizer(), s);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("checkpoint after epoch " + (epoch + 1) + " to " + dir + ": " + e.getMessage(), e);
        }
    }
}
