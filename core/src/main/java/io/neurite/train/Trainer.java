package io.neurite.train;

import io.neurite.data.Dataset;
import io.neurite.device.DType;
import io.neurite.device.Device;
import io.neurite.nn.Model;
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
 * Trainer t = new Trainer(model, new Adam(1e-3f), Loss.sparseCategoricalCrossentropy(true));
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

    /** Asks fit to stop after the current epoch (what EarlyStopping calls). */
    public void stopTraining() {
        stop = true;
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
        stop = false;
        o.callbacks.forEach(c -> c.onTrainBegin(this));
        Progress progress = new Progress(out, o.verbose, train.size(), o.batchSize);
        for (int epoch = o.initialEpoch; epoch < o.epochs && !stop; epoch++) {
            for (Callback c : o.callbacks) c.onEpochBegin(this, epoch);
            progress.startEpoch(epoch, o.epochs);
            int[] order = o.shuffle ? train.shuffledOrder(o.seed * 1_000_003L + epoch) : train.shuffledOrder(0);
            if (!o.shuffle) for (int i = 0; i < order.length; i++) order[i] = i;
            Map<String, Double> logs = new LinkedHashMap<>();
            logs.put("lr", (double) optimizer.learningRate());
            Totals totals = new Totals();
            for (int from = 0, batch = 0; from < train.size(); from += o.batchSize, batch++) {
                int to = Math.min(train.size(), from + o.batchSize);
                step(train, order, from, to, totals);
                Map<String, Double> batchLogs = totals.logs("");
                for (Callback c : o.callbacks) c.onBatchEnd(this, batch, batchLogs);
                progress.batch(to, batchLogs);
            }
            logs.putAll(totals.logs(""));
            if (validation != null && (epoch + 1 - o.initialEpoch) % o.validationFreq == 0) {
                logs.putAll(evaluate(validation, Math.max(o.batchSize, 256), "val_"));
            }
            progress.endEpoch(logs);
            history.add(logs);
            for (Callback c : o.callbacks) c.onEpochEnd(this, epoch, logs);
        }
        o.callbacks.forEach(c -> c.onTrainEnd(this));
        return history;
    }

    private void step(Dataset d, int[] order, int from, int to, Totals totals) {
        try (Scope s = Scope.open()) {
            Tensor x = batchFeatures(d, order, from, to), y = batchTargets(d, order, from, to);
            Tensor output = model.forward(x, true);
            Tensor l = loss.compute(output, y);
            l.backward();
            optimizer.step(model.parameters());
            totals.add(l.item(), to - from, correct(output, y));
        }
    }

    /** Loss and accuracy over a dataset, without training. */
    public Map<String, Double> evaluate(Dataset d, int batchSize) {
        return evaluate(d, batchSize, "");
    }

    private Map<String, Double> evaluate(Dataset d, int batchSize, String prefix) {
        Totals totals = new Totals();
        int[] order = d.shuffledOrder(0);
        for (int i = 0; i < order.length; i++) order[i] = i;
        try (GradMode off = GradMode.disabled()) {
            for (int from = 0; from < d.size(); from += batchSize) {
                int to = Math.min(d.size(), from + batchSize);
                try (Scope s = Scope.open()) {
                    Tensor y = batchTargets(d, order, from, to);
                    Tensor output = model.forward(batchFeatures(d, order, from, to), false);
                    totals.add(loss.compute(output, y).item(), to - from, correct(output, y));
                }
            }
        }
        return totals.logs(prefix);
    }

    private Tensor batchFeatures(Dataset d, int[] order, int from, int to) {
        float[] x = new float[(to - from) * d.sampleLength()];
        d.gatherFeatures(order, from, to, x);
        int[] shape = new int[d.sampleShape().length + 1];
        shape[0] = to - from;
        System.arraycopy(d.sampleShape(), 0, shape, 1, shape.length - 1);
        return Tensor.of(model.device(), x, shape);
    }

    private Tensor batchTargets(Dataset d, int[] order, int from, int to) {
        if (d.hasLabels()) {
            int[] y = new int[to - from];
            d.gatherLabels(order, from, to, y);
            return Tensor.of(model.device(), y, y.length);
        }
        float[] t = new float[(to - from) * d.targetWidth()];
        d.gatherTargets(order, from, to, t);
        return Tensor.of(model.device(), t, to - from, d.targetWidth());
    }

    /** Correct predictions in a batch: argmax against the label, or against the target's argmax. */
    private static int correct(Tensor output, Tensor target) {
        if (output.rank() != 2 || output.dim(1) < 2) return -1;
        Device dev = output.device();
        Tensor labels = target.dtype() == DType.INT32 ? target : target.argmax();
        Tensor count = Tensor.zeros(dev, DType.INT32, 1);
        dev.ops().countCorrect(output.dim(0), output.dim(1), output.buffer(), labels.buffer(), count.buffer());
        return count.toIntArray()[0];
    }

    /** Running sums of one epoch or evaluation. */
    private static final class Totals {
        double lossSum;
        long samples, correct;
        boolean accuracy = true;

        void add(double loss, int n, int right) {
            lossSum += loss * n;
            samples += n;
            if (right < 0) accuracy = false;
            else correct += right;
        }

        Map<String, Double> logs(String prefix) {
            Map<String, Double> m = new LinkedHashMap<>();
            m.put(prefix + "loss", lossSum / Math.max(1, samples));
            if (accuracy) m.put(prefix + "accuracy", (double) correct / Math.max(1, samples));
            return m;
        }
    }
}
