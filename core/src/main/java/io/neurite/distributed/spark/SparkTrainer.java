package io.neurite.distributed.spark;

import io.neurite.checkpoint.ModelJson;
import io.neurite.data.Dataset;
import io.neurite.device.OptimizerStep;
import io.neurite.distributed.DataParallel;
import io.neurite.nn.Model;
import io.neurite.nn.Parameter;
import io.neurite.optim.Optimizer;
import io.neurite.tensor.Tensor;
import io.neurite.train.Loss;
import io.neurite.train.Trainer;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.rdd.RDD;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * Synchronous data-parallel training on a Spark cluster, in the manner of BigDL's
 * {@code AllReduceParameter}, with Spark's own mechanisms only: a barrier stage gang-schedules
 * one task per executor; each task holds a replica of the model (rebuilt from its JSON, the
 * weights broadcast from the driver, on the executor's best device) and its cut of every global
 * batch; each step the flat gradient is cut into one slice per task, the slices go through
 * Spark's block manager (a task waits for a slice by polling for its block), each task sums its slice (in {@link io.neurite.distributed.Tree}'s
 * order, as {@link DataParallel} sums) and updates it with its share of the optimiser, and the
 * updated slices are gathered back. {@code BarrierTaskContext.allGather} carries the only
 * metadata, once a stage: where each task runs. Spark's {@code barrier()} and
 * {@code allGather} wait in sleeps of a second, so a per-step barrier would cost two seconds a
 * step (measured); each task returns its own losses and the driver adds them.
 *
 * <pre>{@code
 * JavaSparkContext sc = new JavaSparkContext(new org.apache.spark.SparkConf().setAppName("lenet"));   // spark-submit sets the master
 * Model model = new Sequential(Input.of(1, 28, 28), new Conv2d(6, 5).padding("same").activation("relu"), new MaxPooling2d(2),
 *         new Conv2d(16, 5).activation("relu"), new MaxPooling2d(2), new Flatten(),
 *         new Dense(120).activation("relu"), new Dense(84).activation("relu"), new Dense(10)).build(Devices.get("cpu:0"), 42);
 * Optimizer adam = new Adam(1e-3f);
 * SparkTrainer.Result r = new SparkTrainer(sc, model, adam, () -> Loss.sparseCategoricalCrossentropy().fromLogits())
 *         .executors(8).batchSize(512).epochs(3).fit(Mnist.load(Path.of("mnist")).train());
 * Checkpoint.save(Path.of("ckpt"), model, adam, new TrainingState(3, 42, 512, true, null, Double.NaN, Map.of()));
 * }</pre>
 *
 * <ul>
 *   <li><b>Same batches as one process.</b> An epoch visits the samples in {@link Trainer#epochOrder}'s
 *       order and each global batch is cut between the tasks as {@link DataParallel#split} cuts
 *       it, so the model after N steps is one-process training's with the same global batch, to
 *       float tolerance (and {@code DataParallel}'s on as many replicas, to the bit where the
 *       devices agree).</li>
 *   <li><b>Stages and retries.</b> A stage trains {@link #stepsPerStage} steps (an epoch by
 *       default). It reads only what the driver sent for it (the weights and optimiser state at
 *       its start, and its shards); the driver keeps the state between stages. A failed task
 *       fails its barrier stage, Spark runs the stage again from that state, and block names
 *       carry the stage attempt, so the retry cannot read a failed attempt's slices. The stage
 *       ends in a shuffle to the driver's one partition because Spark retries a failed barrier
 *       map stage but aborts a failed barrier result stage.</li>
 *   <li><b>Back on the driver.</b> After every stage the weights are in the model given and,
 *       after {@link #fit}, the optimiser's state and step count in the optimiser given: save
 *       them as any checkpoint. Non-trained parameters (batch-norm statistics) are task 0's
 *       at the end of each stage; each task draws its own dropout masks.</li>
 * </ul>
 */
public final class SparkTrainer {
    /** Builds the loss on an executor: a loss is code, so it travels as a serializable factory (a lambda will do). */
    @FunctionalInterface
    public interface LossFactory extends Supplier<Loss>, Serializable {
    }

    /** Per-epoch mean loss and accuracy (NaN where accuracy does not apply), and the run's costs. */
    public record Result(List<Double> loss, List<Double> accuracy, Stats stats) {
    }

    /**
     * Costs so far: steps and stages run; nanoseconds per task (the mean over tasks) in forward
     * and backward and in the exchange (puts, fetches, summing, the slice update), and the part of
     * the exchange spent waiting for slices another task had not stored yet; bytes fetched
     * between tasks, all tasks together; driver wall time in stages.
     */
    public record Stats(long steps, long stages, long computeNanos, long exchangeNanos, long waitNanos, long bytes, long wallNanos) {
    }

    private final JavaSparkContext sc;
    private final Model model;
    private final Optimizer optimizer;
    private final LossFactory loss;
    private final String run = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private int executors = 2, batchSize = 32, epochs = 1, stepsPerStage;
    private long seed;
    private boolean shuffle = true;
    private String deviceId;
    private long steps, stages, compute, exchange, waited, bytes, wall;
    private List<String> placement = List.of();

    public SparkTrainer(JavaSparkContext sc, Model model, Optimizer optimizer, LossFactory loss) {
        this.sc = sc;
        this.model = model;
        this.optimizer = optimizer;
        this.loss = loss;
    }

    /** Tasks, one replica each; the cluster must have as many free slots, as barrier stages require (2). */
    public SparkTrainer executors(int n) {
        if (n < 1) throw new IllegalArgumentException("executors must be at least 1, got " + n);
        executors = n;
        return this;
    }

    /** The global batch, cut between the tasks (32). */
    public SparkTrainer batchSize(int b) {
        if (b < 1) throw new IllegalArgumentException("batch size must be at least 1, got " + b);
        batchSize = b;
        return this;
    }

    public SparkTrainer epochs(int e) {
        if (e < 0) throw new IllegalArgumentException("epochs must be non-negative, got " + e);
        epochs = e;
        return this;
    }

    /** The shuffle's seed, as {@code FitOptions.seed} (0). */
    public SparkTrainer seed(long s) {
        seed = s;
        return this;
    }

    public SparkTrainer shuffle(boolean s) {
        shuffle = s;
        return this;
    }

    /** Steps per barrier stage, what a failed task's retry redoes (0: an epoch). */
    public SparkTrainer stepsPerStage(int k) {
        if (k < 0) throw new IllegalArgumentException("steps per stage must be non-negative, got " + k);
        stepsPerStage = k;
        return this;
    }

    /** The device every task opens ({@code "cpu:0"}...); null (the default) for each executor's best. */
    public SparkTrainer device(String id) {
        deviceId = id;
        return this;
    }

    /** The executor id of each task (by rank) in the last stage, as the tasks told each other through allGather. */
    public List<String> placement() {
        return placement;
    }

    public Stats stats() {
        return new Stats(steps, stages, compute, exchange, waited, bytes, wall);
    }

    /** Trains the model on data; the model and optimiser given hold the result. */
    public Result fit(Dataset data) {
        if (data.size() == 0) throw new IllegalArgumentException("no samples to train on");
        List<Parameter> params = model.parameters();
        Layout layout = new Layout(params);
        float[] weights = layout.flatten(params, false);
        float[][] frozen = Layout.frozen(params), state = driverState(layout, params);
        String json = ModelJson.toJson(model);
        List<Double> epochLoss = new ArrayList<>(), epochAccuracy = new ArrayList<>();
        for (int epoch = 0; epoch < epochs; epoch++) {
            int[] order = Trainer.epochOrder(data, shuffle, seed, epoch);
            int batches = (data.size() + batchSize - 1) / batchSize, perStage = stepsPerStage == 0 ? batches : stepsPerStage;
            double lossSum = 0;
            long correct = 0;
            for (int first = 0; first < batches; first += perStage) {
                int count = Math.min(perStage, batches - first);
                List<Stage.Outcome> out = stage(data, order, first, count, json, layout, weights, frozen, state);
                for (Stage.Outcome o : out) {
                    int lo = layout.sliceStart(o.rank(), executors);
                    System.arraycopy(o.weights(), 0, weights, lo, o.weights().length);
                    for (int i = 0; i < state.length; i++) System.arraycopy(o.state()[i], 0, state[i], lo, o.weights().length);
                    compute += o.computeNanos() / executors;
                    exchange += o.exchangeNanos() / executors;
                    waited += o.waitNanos() / executors;
                    bytes += o.bytes();
                    if (o.rank() == 0) frozen = o.frozen();
                    for (int k = 0; k < count; k++) {
                        int n = Math.min(data.size(), (first + k + 1) * batchSize) - (first + k) * batchSize;
                        lossSum += o.loss()[k] * n;
                        correct = correct < 0 || o.correct()[k] < 0 ? -1 : correct + o.correct()[k];
                    }
                }
                placement = List.of(out.getFirst().executors().split(","));
                layout.load(weights, params);
                Layout.loadFrozen(frozen, params);
                steps += count;
                optimizer.iterations(optimizer.iterations() + count);
            }
            epochLoss.add(lossSum / data.size());
            epochAccuracy.add(correct < 0 ? Double.NaN : (double) correct / data.size());
        }
        restoreState(layout, params, state);
        return new Result(epochLoss, epochAccuracy, stats());
    }

    /** One barrier stage over batches [first, first + count) of the epoch's order. */
    private List<Stage.Outcome> stage(Dataset data, int[] order, int first, int count, String json, Layout layout, float[] weights,
                                      float[][] frozen, float[][] state) {
        double[] equal = new double[executors];
        Arrays.fill(equal, 1.0 / executors);
        int[][] cut = new int[count][];
        int[] batch = new int[count];
        for (int k = 0; k < count; k++) {
            int from = (first + k) * batchSize, to = Math.min(data.size(), from + batchSize);
            batch[k] = to - from;
            cut[k] = DataParallel.split(batch[k], equal);
        }
        List<Stage.Shard> shards = new ArrayList<>();
        for (int r = 0; r < executors; r++) shards.add(shard(data, order, first, cut, batch, r, layout, state));
        OptimizerStep[] rules = new OptimizerStep[count];
        long firstStep = optimizer.iterations();
        for (int k = 0; k < count; k++) rules[k] = optimizer.stepAt(firstStep + k + 1);
        Stage.Plan plan = new Stage.Plan("neurite_" + run + "_s" + stages, json, deviceId, layout, weights, frozen, rules, firstStep,
                data.sampleShape(), data.hasLabels() ? 0 : data.targetWidth(), loss);
        long t0 = System.nanoTime();
        Broadcast<Stage.Plan> broadcast = sc.broadcast(plan);
        try {
            ClassTag<Stage.Outcome> tag = ClassTag$.MODULE$.apply(Stage.Outcome.class);
            RDD<Stage.Outcome> trained = sc.parallelize(shards, executors).rdd().barrier().mapPartitions(new StageTask(broadcast), false, tag);
            List<Stage.Outcome> out = new ArrayList<>(new JavaRDD<>(trained, tag).repartition(1).collect());
            if (out.size() != executors) throw new IllegalStateException(executors + " tasks ran but " + out.size() + " results came back");
            out.sort(Comparator.comparingInt(Stage.Outcome::rank));
            return out;
        } finally {
            broadcast.destroy();
            Blocks.removeEverywhere(plan.prefix() + "_");
            stages++;
            wall += System.nanoTime() - t0;
        }
    }

    /** Task r's samples of every step of the stage, in step order, and its slice of the optimiser state. */
    private Stage.Shard shard(Dataset data, int[] order, int first, int[][] cut, int[] batch, int r, Layout layout, float[][] state) {
        int[] counts = new int[cut.length];
        int total = 0;
        for (int k = 0; k < cut.length; k++) total += counts[k] = cut[k][r];
        int len = data.sampleLength(), width = data.hasLabels() ? 1 : data.targetWidth();
        float[] x = new float[total * len], targets = data.hasLabels() ? null : new float[total * width];
        int[] labels = data.hasLabels() ? new int[total] : null;
        for (int k = 0, at = 0; k < cut.length; k++) {
            int from = (first + k) * batchSize;
            for (int j = 0; j < r; j++) from += cut[k][j];
            float[] fx = new float[counts[k] * len];
            data.gatherFeatures(order, from, from + counts[k], fx);
            System.arraycopy(fx, 0, x, at * len, fx.length);
            if (labels != null) {
                int[] ly = new int[counts[k]];
                data.gatherLabels(order, from, from + counts[k], ly);
                System.arraycopy(ly, 0, labels, at, ly.length);
            } else {
                float[] ty = new float[counts[k] * width];
                data.gatherTargets(order, from, from + counts[k], ty);
                System.arraycopy(ty, 0, targets, at * width, ty.length);
            }
            at += counts[k];
        }
        int lo = layout.sliceStart(r, executors), hi = layout.sliceStart(r + 1, executors);
        float[][] st = new float[state.length][];
        for (int i = 0; i < st.length; i++) st[i] = Arrays.copyOfRange(state[i], lo, hi);
        return new Stage.Shard(r, x, labels, targets, counts, batch, st);
    }

    /** The optimiser's state of every trainable parameter as flat vectors, its starting values where it has none yet. */
    private float[][] driverState(Layout layout, List<Parameter> params) {
        float[][] state = new float[optimizer.stateCount()][layout.total];
        if (state.length > 0) Arrays.fill(state[0], optimizer.firstStateStart());
        for (int k = 0; k < layout.index.length; k++) {
            Tensor[] st = optimizer.state(params.get(layout.index[k]));
            for (int i = 0; i < st.length; i++) st[i].buffer().copyTo(0, state[i], layout.offset[k], layout.size[k]);
        }
        return state;
    }

    private void restoreState(Layout layout, List<Parameter> params, float[][] state) {
        if (state.length == 0 || steps == 0) return;
        for (int k = 0; k < layout.index.length; k++) {
            float[][] values = new float[state.length][];
            for (int i = 0; i < state.length; i++) values[i] = Arrays.copyOfRange(state[i], layout.offset[k], layout.offset[k] + layout.size[k]);
            optimizer.restoreState(params.get(layout.index[k]), values);
        }
    }
}
