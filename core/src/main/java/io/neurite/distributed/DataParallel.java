package io.neurite.distributed;

import io.neurite.checkpoint.ModelJson;
import io.neurite.data.Dataset;
import io.neurite.device.Device;
import io.neurite.device.DeviceInfo;
import io.neurite.device.Devices;
import io.neurite.nn.Layer;
import io.neurite.nn.Mode;
import io.neurite.nn.Model;
import io.neurite.nn.Parameter;
import io.neurite.optim.Optimizer;
import io.neurite.tensor.Scope;
import io.neurite.tensor.Tensor;
import io.neurite.train.BatchStep;
import io.neurite.train.Batches;
import io.neurite.train.FitOptions;
import io.neurite.train.History;
import io.neurite.train.Loss;
import io.neurite.train.Trainer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Data-parallel training on several devices of one machine, PyTorch's
 * {@code DistributedDataParallel} in one process: a replica of the model per device, each global
 * batch cut between them, the gradients summed, one optimiser step, identical weights everywhere.
 *
 * <pre>{@code
 * List<Device> devices = DataParallel.devices("cpu:0,opencl:0");   // or "all"
 * Model model = new Sequential(Input.of(4), new Dense(8).activation("relu"), new Dense(3)).build(devices.getFirst(), 42);
 * try (DataParallel dp = new DataParallel(model, new Adam(1e-3f), Loss.sparseCategoricalCrossentropy().fromLogits(), devices)) {
 *     History h = dp.fit(Dataset.ofLabels(new float[40], new int[] {4}, new int[10]), new FitOptions().batchSize(8).epochs(1).verbose(0));
 * }
 * }</pre>
 *
 * <ul>
 *   <li><b>Replicas.</b> The model given is rank 0, built on the first device; the others are
 *       rebuilt from its {@link ModelJson} on the other devices and take its weights. Two
 *       {@code Devices.get("cpu:0")} calls open two independent devices, so one machine's CPU
 *       can hold two replicas. The optimiser and its state live on rank 0 only, so a checkpoint
 *       of {@link #trainer()}'s model and optimiser ({@code Checkpoint.save}, {@code ModelCheckpoint})
 *       is one copy, and it resumes on any device set: restore it into rank 0 and build a new
 *       DataParallel.</li>
 *   <li><b>Split.</b> Replica r trains on a contiguous share of the batch and scales its loss by
 *       its share of the samples, so the summed gradient is the gradient of the global batch's
 *       mean loss, as on one device. Devices of one backend share equally. Devices of different
 *       backends share equally for the first {@link #CALIBRATION_BATCHES} batches, which are
 *       timed (forward and backward, all replicas at once, the first batch left out as warm-up);
 *       from then on each replica's share is its measured samples per second over their sum,
 *       fixed for the rest of the run ({@link #shares()}). {@link #shares(double...)} fixes the
 *       split instead, and is what makes a mixed device set bit-for-bit reproducible.</li>
 *   <li><b>Exchange.</b> A fixed binary-tree reduce of the gradients into rank 0 (within a
 *       device on device buffers, between devices through the host), one optimiser step on rank
 *       0, then rank 0's weights broadcast to every replica: the bytes of an all-reduce, and
 *       weights equal to the bit on every replica whatever their backends' rounding.</li>
 *   <li><b>Batch norm and dropout as in DDP.</b> Each replica normalises with its own batch's
 *       statistics; the running statistics are rank 0's, broadcast with the weights (DDP's
 *       {@code broadcast_buffers}). Each replica draws its own dropout masks: before each batch
 *       its layers' generators are derived from rank 0's and the rank, so a resumed run draws
 *       the same masks.</li>
 * </ul>
 */
public final class DataParallel implements BatchStep, AutoCloseable {
    /** Batches timed, after the first, before a mixed device set's split is fixed. */
    public static final int CALIBRATION_BATCHES = 3;
    private final List<Model> replicas = new ArrayList<>();
    private final List<List<Layer>> layers = new ArrayList<>();
    private final Optimizer optimizer;
    private final Loss loss;
    private final Trainer trainer;
    private final Exchange exchange;
    private final ExecutorService pool;
    private final boolean mixed;
    private double[] shares;
    private boolean fixed;
    private final double[] timedSamples, timedNanos;
    private long steps, computeNanos, exchangeNanos;

    public DataParallel(Model model, Optimizer optimizer, Loss loss, List<Device> devices) {
        if (devices.isEmpty() || devices.getFirst() != model.device()) {
            throw new IllegalArgumentException("build the model on the first device of the list (its rank 0), got " + model.device().id());
        }
        this.optimizer = optimizer;
        this.loss = loss;
        String json = ModelJson.toJson(model);
        replicas.add(model);
        try {
            for (Device d : devices.subList(1, devices.size())) replicas.add(ModelJson.fromJson(json, "replica of the model").build(d, 0));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("the model does not rebuild from its own JSON", e);
        }
        List<List<Parameter>> params = new ArrayList<>();
        for (Model m : replicas) {
            params.add(m.parameters());
            layers.add(m.layers());
        }
        exchange = new Exchange(params);
        exchange.broadcast();
        mixed = devices.stream().map(d -> backend(d.info())).distinct().count() > 1;
        shares = new double[devices.size()];
        Arrays.fill(shares, 1.0 / devices.size());
        fixed = !mixed;
        timedSamples = new double[devices.size()];
        timedNanos = new double[devices.size()];
        pool = devices.size() > 1 ? Executors.newFixedThreadPool(devices.size() - 1, r -> {
            Thread t = new Thread(r, "neurite-replica");
            t.setDaemon(true);
            return t;
        }) : null;
        trainer = new Trainer(model, optimizer, loss).batchStep(this);
    }

    /**
     * Opens devices by a comma-separated list of ids ({@code "cpu:0,opencl:0"}; an id twice opens
     * two devices), or every available device for {@code "all"}. The caller closes them.
     */
    public static List<Device> devices(String ids) {
        List<String> list = ids.trim().equals("all") ? Devices.list().stream().map(DeviceInfo::id).toList()
                : Arrays.stream(ids.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        if (list.isEmpty()) throw new IllegalArgumentException("no device in '" + ids + "'");
        List<Device> out = new ArrayList<>();
        for (String id : list) out.add(Devices.get(id));
        return out;
    }

    private static String backend(DeviceInfo info) {
        return info.id().substring(0, info.id().indexOf(':'));
    }

    /** The trainer whose fit runs on every replica; its model and optimiser are rank 0's. */
    public Trainer trainer() {
        return trainer;
    }

    /** {@code trainer().fit(data, options)}. */
    public History fit(Dataset data, FitOptions options) {
        return trainer.fit(data, options);
    }

    /** The replicas, rank 0 (the model given) first. */
    public List<Model> replicas() {
        return List.copyOf(replicas);
    }

    /** Each replica's share of a batch (equal until a mixed set's split is measured). */
    public double[] shares() {
        return shares.clone();
    }

    /** Fixes each replica's share of a batch (any positive weights, normalised); no measuring. Returns this. */
    public DataParallel shares(double... weights) {
        if (weights.length != replicas.size()) throw new IllegalArgumentException(replicas.size() + " shares needed, got " + weights.length);
        double sum = 0;
        for (double w : weights) {
            if (!(w > 0)) throw new IllegalArgumentException("shares must be positive, got " + Arrays.toString(weights));
            sum += w;
        }
        for (int i = 0; i < weights.length; i++) shares[i] = weights[i] / sum;
        fixed = true;
        return this;
    }

    /** Samples per second each replica measured while the split was calibrated (zeros where it was not). */
    public double[] measuredSpeeds() {
        double[] s = new double[replicas.size()];
        for (int i = 0; i < s.length; i++) s[i] = timedNanos[i] > 0 ? timedSamples[i] * 1e9 / timedNanos[i] : 0;
        return s;
    }

    /** Steps, nanoseconds in forward-backward and in the exchange (reduce, step, broadcast), bytes copied between devices. */
    public record Stats(long steps, long computeNanos, long exchangeNanos, long bytes) {
    }

    public Stats stats() {
        return new Stats(steps, computeNanos, exchangeNanos, exchange.bytes());
    }

    /**
     * How many of n samples each replica takes: contiguous cuts at the rounded cumulative shares,
     * rank 0 at least one. The Spark trainer cuts its global batches the same way.
     */
    public static int[] split(int n, double[] shares) {
        int[] counts = new int[shares.length];
        double cumulative = 0;
        int previous = 0;
        for (int i = 0; i < shares.length; i++) {
            cumulative += shares[i];
            int cut = i == shares.length - 1 ? n : (int) Math.min(n, Math.round(n * cumulative));
            if (i == 0) cut = Math.max(cut, Math.min(n, 1));
            cut = Math.max(cut, previous);
            counts[i] = cut - previous;
            previous = cut;
        }
        return counts;
    }

    @Override
    public Result step(Dataset d, int[] order, int from, int to, FitOptions.BatchTransform transform, long seed) {
        int n = to - from, len = d.sampleLength();
        float[] x = new float[n * len];
        d.gatherFeatures(order, from, to, x);
        if (transform != null) transform.apply(x, n, d.sampleShape(), seed);
        boolean timing = !fixed;
        int[] counts = split(n, shares);
        for (int r = 1; r < replicas.size(); r++) {
            List<Layer> own = layers.get(r), lead = layers.getFirst();
            for (int j = 0; j < own.size(); j++) own.get(j).generatorState(mix(lead.get(j).generatorState(), r));
        }
        long start = System.nanoTime();
        double[] lossAndCorrect = new double[2 * replicas.size()];
        int[] ranks = new int[replicas.size()];
        int active = 0;
        for (int r = 0; r < replicas.size(); r++) if (counts[r] > 0) ranks[active++] = r;
        // A replica's gradients belong to the scope of the thread that ran its backward, so each
        // worker keeps its scope open until the exchange has read them, then closes it.
        CountDownLatch computed = new CountDownLatch(active - 1), exchanged = new CountDownLatch(1);
        List<Future<?>> running = new ArrayList<>();
        Throwable[] failed = new Throwable[replicas.size()];
        for (int i = 1, offset = counts[0]; i < active; i++) {
            int rank = ranks[i], a = offset, b = offset + counts[rank];
            offset = b;
            running.add(pool.submit(() -> {
                try (Scope s = Scope.open()) {
                    try {
                        forwardBackward(rank, d, order, from, a, b, n, x, lossAndCorrect, timing);
                    } catch (RuntimeException | Error e) {
                        failed[rank] = e;
                    } finally {
                        computed.countDown();
                    }
                    exchanged.await();
                }
                return null;
            }));
        }
        try (Scope s = Scope.open()) {
            try {
                forwardBackward(0, d, order, from, 0, counts[0], n, x, lossAndCorrect, timing);
                await(computed);
                for (Throwable t : failed) {
                    if (t instanceof RuntimeException re) throw re;
                    if (t != null) throw (Error) t;
                }
                long computedAt = System.nanoTime();
                exchange.reduce(Arrays.copyOf(ranks, active));
                optimizer.step(replicas.getFirst().parameters());
                exchange.broadcast();
                computeNanos += computedAt - start;
                exchangeNanos += System.nanoTime() - computedAt;
            } finally {
                exchanged.countDown();
                for (Future<?> f : running) join(f);
            }
        }
        if (timing && ++steps > CALIBRATION_BATCHES) fixMeasuredSplit();
        else if (!timing) steps++;
        double lossSum = 0;
        int correct = 0;
        for (int r = 0; r < replicas.size(); r++) {
            lossSum += lossAndCorrect[2 * r];
            if (correct >= 0) correct = lossAndCorrect[2 * r + 1] < 0 ? -1 : correct + (int) lossAndCorrect[2 * r + 1];
        }
        return new Result(lossSum, correct);
    }

    private void fixMeasuredSplit() {
        double[] speed = measuredSpeeds();
        for (double s : speed) if (!(s > 0)) return; // a replica had no samples to time: keep equal shares and measuring
        shares(speed);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while replicas trained", e);
        }
    }

    private static void join(Future<?> f) {
        try {
            f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while replicas trained", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw new IllegalStateException("a replica failed", e.getCause());
        }
    }

    /** Replica rank's forward and backward on batch samples [a, b) of n; records its loss share and correct count. */
    private void forwardBackward(int rank, Dataset d, int[] order, int from, int a, int b, int n, float[] x, double[] out, boolean timing) {
        if (b == a) return;
        Model m = replicas.get(rank);
        Device dev = m.device();
        long t0 = System.nanoTime();
        int[] shape = new int[d.sampleShape().length + 1];
        shape[0] = b - a;
        System.arraycopy(d.sampleShape(), 0, shape, 1, shape.length - 1);
        int len = d.sampleLength();
        Tensor xs = Tensor.of(dev, Arrays.copyOfRange(x, a * len, b * len), shape);
        Tensor y = Batches.targets(dev, d, order, from + a, from + b);
        Tensor output = m.forward(xs, Mode.TRAINING);
        Tensor l = loss.compute(output, y);
        float weight = (float) (b - a) / n;
        l.mul(weight).backward();
        out[2 * rank] = (double) l.item() * weight;
        out[2 * rank + 1] = Batches.correct(output, y);
        // Batch 0 warms up kernels and the JIT; the batches after it are timed.
        if (timing && steps > 0) {
            timedNanos[rank] += System.nanoTime() - t0;
            timedSamples[rank] += b - a;
        }
    }

    /** A replica's generator state from rank 0's and its rank (SplitMix64's finaliser). */
    private static long mix(long state, int rank) {
        long z = state + rank * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Frees the other replicas, the staging buffers and the threads; rank 0's model, the optimiser and the devices stay the caller's. */
    @Override
    public void close() {
        if (pool != null) pool.shutdownNow();
        exchange.close();
        for (Model m : replicas.subList(1, replicas.size())) m.close();
    }
}
