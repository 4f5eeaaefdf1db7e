package io.neurite.checkpoint;

import io.neurite.train.FitOptions;
import java.util.Map;

/**
 * Where a run stood when a checkpoint was saved, beside its weights and optimiser state: the
 * next epoch to run, the shuffling seed (each epoch's order comes from the seed and the epoch
 * alone), batch size, the monitored metric's best value for best-only checkpoints, and notes an
 * application keeps (the bench records its model and optimiser names there).
 *
 * <pre>{@code
 * TrainingState s = Checkpoint.restore(dir, model, optimizer);
 * trainer.fit(data, s.applyTo(new FitOptions().epochs(10)));   // continues at epoch s.epoch()
 * }</pre>
 *
 * @param epoch     epochs completed: the index of the next epoch
 * @param seed      the shuffling seed
 * @param batchSize the batch size the run used
 * @param shuffle   whether it shuffled
 * @param monitor   the metric a best-only checkpoint monitors, or null
 * @param best      its best value so far, or NaN
 * @param notes     application notes (strings)
 */
public record TrainingState(int epoch, long seed, int batchSize, boolean shuffle, String monitor, double best, Map<String, String> notes) {
    public TrainingState {
        if (epoch < 0) throw new IllegalArgumentException("epoch must be at least 0, got " + epoch);
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        notes = Map.copyOf(notes);
    }

    /** Sets the options that an exact resume needs: initial epoch, seed, batch size and shuffling. */
    public FitOptions applyTo(FitOptions o) {
        return o.initialEpoch(epoch).seed(seed).batchSize(batchSize).shuffle(shuffle);
    }
}
