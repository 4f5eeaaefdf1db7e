package io.neurite.train;

import io.neurite.data.Dataset;
import io.neurite.device.Device;
import io.neurite.nn.Mode;
import io.neurite.nn.Model;
import io.neurite.nn.Parameter;
import io.neurite.optim.Optimizer;
import io.neurite.tensor.GradMode;
import io.neurite.tensor.Scope;
import io.neurite.tensor.Tensor;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Keras' {@code compile} and {@code fit}: a model with its optimiser and loss, trained in
 * batches with accuracy tracked for int labels or one-hot targets.
 *
 * <pre>{@code
 * Trainer t = new Trainer(model, new Adam(1e-3f), Loss.sparseCategoricalCrossentropy().fromLogits());
 * History h = t.fit(train, new FitOptions().batchSize(64).epochs(3).validationData(test));
 * Map<String, Double> scores = t.evaluate(test, 256);
 * }</pre>
 */
public final class Trainer {
    private final Model model;
    private final Optimizer optimizer;
    private final Loss loss;
    private volatile boolean stop;
    private PrintStream out = System.out;
    private FitOptions running;
    /** Host arrays batches are gathered into, reused (a full batch and a last short one), so a step makes no garbage. */
    private final float[][] staging = new float[2][];
    private BatchStep batchStep;

    public Trainer(Model model, Optimizer optimizer, Loss loss) {
        this.model = model;
        this.optimizer = optimizer;
        this.loss = loss;
    }

    public Model model() {
        return model;
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    /** Trains each of fit's batches through step instead (data-parallel replicas); null, the default: on the model's device. Returns this. */
    public Trainer batchStep(BatchStep step) {
        batchStep = step;
        return this;
    }

    /** Asks fit to stop after the current epoch (what EarlyStopping calls). */
    public void stopTraining() {
        stop = true;
    }

    /**
     * The seed of the running (or last) fit's shuffling. Epoch e is shuffled by a generator
     * seeded from (seed, e) alone, so this seed and the epoch are the whole shuffling state a
     * checkpoint needs for an exact resume.
     */
    public long seed() {
        return running == null ? 0 : running.seed;
    }

    /** The batch size of the running (or last) fit; 0 before any. */
    public int batchSize() {
        return running == null ? 0 : running.batchSize;
    }

    /** Whether the running (or last) fit shuffles. */
    public boolean shuffles() {
        return running == null || running.shuffle;
    }

    /** Where progress goes (standard output by default). */
    public Trainer output(PrintStream p) {
        out = p;
        return this;
    }

    /** Trains; returns per-epoch loss, accuracy, learning rate and validation figures. */
    public History fit(Dataset data, FitOptions o) {
        Dataset train = data, validation = o.validationData;
        if (o.validationSplit > 0) {
            Dataset[] parts = data.split(1 - o.validationSplit);
            train = parts[0];
            validation = parts[1];
        }
        History history = new History();
        running = o;
        stop = false;
        o.callbacks.forEach(c -> c.onTrainBegin(this));
        Progress progress = new Progress(out, o.verbose, train.size(), o.batchSize);
        boolean batchLogs = wantsBatchLogs(o);
        try (EpochTotals totals = new EpochTotals(model.device())) {
            for (int epoch = o.initialEpoch; epoch < o.epochs && !stop; epoch++) {
                for (Callback c : o.callbacks) c.onEpochBegin(this, epoch);
                progress.startEpoch(epoch, o.epochs);
                int[] order = epochOrder(train, o.shuffle, o.seed, epoch);
                Map<String, Double> logs = new LinkedHashMap<>();
                logs.put("lr", (double) optimizer.learningRate());
                totals.reset();
                for (int from = 0, batch = 0; from < train.size(); from = to(train, from, o.batchSize), batch++) {
                    int to = to(train, from, o.batchSize);
                    step(train, order, from, to, totals, o.batchTransform, batchSeed(o.seed, epoch, batch));
                    // The totals stay on the device; reading them waits for the queue, so only when shown or asked for.
                    if (!batchLogs && to < train.size() && !progress.due()) continue;
                    totals.read();
                    int bad = totals.firstNonFinite();
                    if (o.stopOnNonFinite && bad > 0) {
                        throw diverged(epoch, bad, "the loss is " + totals.nonFiniteLoss()
                                + (bad <= batch ? " (read after batch " + (batch + 1) + ")" : ""));
                    }
                    Map<String, Double> shown = totals.logs("");
                    if (batchLogs) for (Callback c : o.callbacks) c.onBatchEnd(this, batch, shown);
                    progress.batch(to, shown);
                }
                logs.putAll(totals.logs(""));
                if (o.stopOnNonFinite && firstNonFinite() != null) throw diverged(epoch, 0, "a weight is not finite");
                // Counted from epoch 0 as Keras, so a resumed run validates on the same epochs as an uninterrupted one.
                if (validation != null && (epoch + 1) % o.validationFreq == 0) {
                    logs.putAll(evaluate(validation, Math.max(o.batchSize, 256), "val_"));
                }
                progress.endEpoch(logs);
                history.add(logs);
                for (Callback c : o.callbacks) c.onEpochEnd(this, epoch, logs);
            }
        }
        o.callbacks.forEach(c -> c.onTrainEnd(this));
        return history;
    }

    /**
     * Whether a callback overrides {@link Callback#onBatchEnd} (Keras' rule for batch-level
     * hooks): only then are the totals read after every batch, since each read waits for the device.
     */
    private static boolean wantsBatchLogs(FitOptions o) {
        for (Callback c : o.callbacks) {
            try {
                if (c.getClass().getMethod("onBatchEnd", Trainer.class, int.class, Map.class).getDeclaringClass() != Callback.class) {
                    return true;
                }
            } catch (NoSuchMethodException e) {
                return true;
            }
        }
        return false;
    }

    /**
     * The order in which fit visits the samples in an epoch (from 0): a shuffle seeded by the seed
     * and the epoch, or 0, 1, 2... Other training loops (the Spark trainer) use it to see the
     * batches fit would see.
     */
    public static int[] epochOrder(Dataset data, boolean shuffle, long seed, int epoch) {
        int[] order = data.shuffledOrder(shuffle ? seed * 1_000_003L + epoch : 0);
        if (!shuffle) for (int i = 0; i < order.length; i++) order[i] = i;
        return order;
    }

    /** The end of the batch that starts at from: a batch larger than the data is one batch of all of it (as Keras). */
    private static int to(Dataset d, int from, int batchSize) {
        return (int) Math.min(d.size(), (long) from + batchSize);
    }

    /** One training step, its loss and correct count added to totals on the device. */
    private void step(Dataset d, int[] order, int from, int to, EpochTotals totals, FitOptions.BatchTransform transform, long seed) {
        if (batchStep != null) {
            BatchStep.Result r = batchStep.step(d, order, from, to, transform, seed);
            totals.add(r.loss(), to - from, r.correct());
            return;
        }
        Device dev = model.device();
        dev.beginStep();
        try (Scope s = Scope.open()) {
            Tensor x = batchFeatures(d, order, from, to, transform, seed), y = batchTargets(d, order, from, to);
            Tensor[] outputAndLoss = update(x, y);
            totals.add(outputAndLoss[0], y, outputAndLoss[1], to - from);
        } finally {
            dev.endStep(); // after the scope: the step's temporaries are back in the cache, as when it was recorded
        }
    }

    /** The name of the first weight holding a NaN or an infinity, or null (reads every weight to the host). */
    private String firstNonFinite() {
        for (Parameter p : model.parameters()) {
            for (float v : p.value().toFloatArray()) if (!Float.isFinite(v)) return p.name();
        }
        return null;
    }

    /** epoch from 0, batch from 1 (0: the end-of-epoch check); names the first non-finite weight, else the largest. */
    private TrainingDivergedException diverged(int epoch, int batch, String what) {
        String bad = firstNonFinite(), largest = null;
        float max = -1;
        if (bad == null) {
            for (Parameter p : model.parameters()) {
                for (float v : p.value().toFloatArray()) {
                    if (Math.abs(v) > max) {
                        max = Math.abs(v);
                        largest = p.name();
                    }
                }
            }
        }
        String named = bad != null ? bad : largest;
        String layer = named == null ? null : named.substring(0, Math.max(0, named.lastIndexOf('/')));
        String where = "epoch " + (epoch + 1) + (batch > 0 ? ", batch " + batch : " (end-of-epoch weight check)");
        return new TrainingDivergedException("training diverged in " + where + ": " + what
                + (bad != null ? "; first non-finite weight: " + bad + " (layer " + layer + ")"
                : named != null ? "; every weight is finite, the largest is in " + named + " (layer " + layer + ", |w| " + max + ")" : "")
                + "; try a lower learning rate (FitOptions.stopOnNonFinite(false) trains on)", epoch + 1, batch, named, bad == null);
    }

    /** Forward, loss, backward and one optimiser step; returns the output and the loss (in the caller's scope). */
    private Tensor[] update(Tensor x, Tensor y) {
        Tensor output = model.forward(x, Mode.TRAINING);
        Tensor l = loss.compute(output, y);
        l.backward();
        optimizer.step(model.parameters());
        return new Tensor[] {output, l};
    }

    /**
     * One optimisation step on a batch, for hand-written loops (Keras' {@code train_on_batch}):
     * x [n, sample shape...] and y (int labels [n] or targets [n, width]) on the model's device.
     * Returns the batch loss; every intermediate is freed.
     */
    public float trainOnBatch(Tensor x, Tensor y) {
        try (Scope s = Scope.open()) {
            return update(x, y)[1].item();
        }
    }

    /** The model's outputs for every sample, computed in batches without gradients: [size * outputs] row-major. */
    public float[] predict(Dataset d, int batchSize) {
        int[] order = new int[d.size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        float[] all = null;
        try (GradMode off = GradMode.disabled()) {
            for (int from = 0; from < d.size(); from = to(d, from, batchSize)) {
                int to = to(d, from, batchSize);
                try (Scope s = Scope.open()) {
                    float[] out = model.forward(batchFeatures(d, order, from, to), Mode.INFERENCE).toFloatArray();
                    int width = out.length / (to - from);
                    if (all == null) all = new float[d.size() * width];
                    System.arraycopy(out, 0, all, from * width, out.length);
                }
            }
        }
        return all == null ? new float[0] : all;
    }

    /** Loss and accuracy over a dataset, without training. */
    public Map<String, Double> evaluate(Dataset d, int batchSize) {
        return evaluate(d, batchSize, "");
    }

    private Map<String, Double> evaluate(Dataset d, int batchSize, String prefix) {
        int[] order = d.shuffledOrder(0);
        for (int i = 0; i < order.length; i++) order[i] = i;
        try (GradMode off = GradMode.disabled(); EpochTotals totals = new EpochTotals(model.device())) {
            totals.reset();
            for (int from = 0; from < d.size(); from = to(d, from, batchSize)) {
                int to = to(d, from, batchSize);
                try (Scope s = Scope.open()) {
                    Tensor y = batchTargets(d, order, from, to);
                    Tensor output = model.forward(batchFeatures(d, order, from, to), Mode.INFERENCE);
                    totals.add(output, y, loss.compute(output, y), to - from);
                }
            }
            totals.read();
            return totals.logs(prefix);
        }
    }

    /** A batch transform's seed: distinct per (fit seed, epoch, batch), independent of anything a resume loses. */
    static long batchSeed(long seed, int epoch, int batch) {
        return (seed * 1_000_003L + epoch) * 1_000_000_007L + batch;
    }

    private Tensor batchFeatures(Dataset d, int[] order, int from, int to) {
        return batchFeatures(d, order, from, to, null, 0);
    }

    private Tensor batchFeatures(Dataset d, int[] order, int from, int to, FitOptions.BatchTransform transform, long seed) {
        int[] shape = new int[d.sampleShape().length + 1];
        shape[0] = to - from;
        System.arraycopy(d.sampleShape(), 0, shape, 1, shape.length - 1);
        // Consecutive samples untransformed (an evaluation's batches) go to the device straight from
        // the dataset: gathered first, MNIST's evaluation at batch 256 copied 800 KB twice a batch.
        if (transform == null && consecutive(order, from, to)) {
            return Tensor.ofRange(model.device(), d.features(), order[from] * d.sampleLength(), shape);
        }
        float[] x = staging((to - from) * d.sampleLength());
        d.gatherFeatures(order, from, to, x);
        if (transform != null) transform.apply(x, to - from, d.sampleShape(), seed);
        return Tensor.of(model.device(), x, shape);
    }

    private static boolean consecutive(int[] order, int from, int to) {
        for (int i = from + 1; i < to; i++) if (order[i] != order[i - 1] + 1) return false;
        return true;
    }

    /** A host array of exactly length floats, one of the two most recently used sizes where it can be. */
    private float[] staging(int length) {
        for (float[] s : staging) if (s != null && s.length == length) return s;
        staging[1] = staging[0];
        staging[0] = new float[length];
        return staging[0];
    }

    private Tensor batchTargets(Dataset d, int[] order, int from, int to) {
        return Batches.targets(model.device(), d, order, from, to);
    }
}
