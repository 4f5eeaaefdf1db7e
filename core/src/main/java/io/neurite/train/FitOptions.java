package io.neurite.train;

import io.neurite.data.Dataset;
import java.util.ArrayList;
import java.util.List;

/**
 * The arguments of {@link Trainer#fit}, Keras' defaults: batch 32, 1 epoch, shuffled,
 * verbosity 1 (a live progress bar on a terminal, one line per epoch otherwise; 2: one line per
 * epoch; 0: silent).
 *
 * <pre>{@code new FitOptions().batchSize(64).epochs(3).seed(42).validationSplit(0.1)}</pre>
 */
public final class FitOptions {
    int batchSize = 32;
    int epochs = 1;
    boolean shuffle = true;
    long seed;
    Dataset validationData;
    double validationSplit;
    int validationFreq = 1;
    int verbose = 1;
    int initialEpoch;
    final List<Callback> callbacks = new ArrayList<>();
    BatchTransform batchTransform;
    boolean stopOnNonFinite = true;

    /** Changes a training batch's features on the host before upload, e.g. {@code Augmenter::apply}. */
    @FunctionalInterface
    public interface BatchTransform {
        /**
         * Transforms x in place: n samples of sampleShape. The seed is fixed by the fit's seed,
         * the epoch and the batch index, so a rerun or a resumed run transforms identically.
         */
        void apply(float[] x, int n, int[] sampleShape, long seed);
    }

    public FitOptions batchSize(int b) {
        if (b < 1) throw new IllegalArgumentException("batch size must be positive, got " + b);
        batchSize = b;
        return this;
    }

    public FitOptions epochs(int e) {
        epochs = e;
        return this;
    }

    public FitOptions shuffle(boolean s) {
        shuffle = s;
        return this;
    }

    /** Seeds the shuffling: the same seed gives the same batches. */
    public FitOptions seed(long s) {
        seed = s;
        return this;
    }

    public FitOptions validationData(Dataset d) {
        validationData = d;
        return this;
    }

    /** Holds out the last fraction of the training data for validation (Keras' validation_split). */
    public FitOptions validationSplit(double f) {
        if (!(f >= 0 && f < 1)) throw new IllegalArgumentException("validation split must be in [0, 1), got " + f);
        validationSplit = f;
        return this;
    }

    /** Validates every n-th epoch. */
    public FitOptions validationFreq(int n) {
        validationFreq = n;
        return this;
    }

    public FitOptions verbose(int v) {
        verbose = v;
        return this;
    }

    /** Starts counting epochs here (resuming a run). */
    public FitOptions initialEpoch(int e) {
        initialEpoch = e;
        return this;
    }

    /** Transforms each training batch (validation and evaluation batches are left alone); null for none. */
    public FitOptions batchTransform(BatchTransform t) {
        batchTransform = t;
        return this;
    }

    /**
     * Whether fit stops at the first non-finite loss or weight with a {@link TrainingDivergedException}
     * naming the epoch, batch and layer (default true; Keras' {@code TerminateOnNaN}, always on).
     * The loss is checked after every batch (it is read for the progress and the history anyway,
     * so the check costs no device read); the weights at the end of every epoch, before validation
     * and the callbacks (so a {@code ModelCheckpoint} never saves a diverged model): one read of
     * every weight per epoch, none per batch.
     */
    public FitOptions stopOnNonFinite(boolean s) {
        stopOnNonFinite = s;
        return this;
    }

    public FitOptions callbacks(Callback... c) {
        callbacks.addAll(List.of(c));
        return this;
    }
}
