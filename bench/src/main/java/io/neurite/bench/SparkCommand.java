package io.neurite.bench;

import io.neurite.data.Dataset;
import io.neurite.data.Mnist;
import io.neurite.device.Device;
import io.neurite.device.Devices;
import io.neurite.distributed.spark.LocalCluster;
import io.neurite.distributed.spark.SparkTrainer;
import io.neurite.nn.Conv2d;
import io.neurite.nn.Dense;
import io.neurite.nn.Dropout;
import io.neurite.nn.Flatten;
import io.neurite.nn.Input;
import io.neurite.nn.MaxPooling2d;
import io.neurite.nn.Model;
import io.neurite.nn.Parameter;
import io.neurite.nn.Sequential;
import io.neurite.optim.Adam;
import io.neurite.optim.Optimizer;
import io.neurite.train.Loss;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * {@code bench spark}: data-parallel training on Spark's local-cluster (each executor its own
 * JVM, on 127.0.0.1) with 1 and 2 executors, for LeNet-5 and a 1.2M-parameter CNN, a fixed batch
 * per executor: images/s, time per step in computation and in the exchange, bytes moved per
 * step; then, from those costs, images/s on 8 and 64 machines on a 10 Gbit/s network:
 *
 * <pre>
 * T(M) = c b + 2 (M - 1) f + 8 P (M - 1) / (M W) + s        images/s(M) = M b / T(M)
 * </pre>
 * with b the batch per machine, c the compute seconds per image (1 executor), f the exchange
 * seconds per block fetched (2 executors: their exchange time per step, less the wait for the
 * other task, over the 2 fetches each task makes), P the parameters, W = 1.25e9 bytes/s, s the driver's stage overhead per step.
 * Each task fetches 2 (M - 1) slices a step and its link carries 2 (M - 1) / M of 4P bytes each
 * way.
 */
final class SparkCommand {
    static final double LINK = 10e9 / 8;

    private SparkCommand() {
    }

    /** Measured costs of one model on one cluster size. */
    record Run(String model, int executors, long params, int batch, double imagesPerSec, double computeMs, double exchangeMs,
               double waitMs, double overheadMs, long bytesPerStep) {
    }

    static int run(List<String> args) throws IOException {
        Args a = new Args("spark", args, Set.of("--model", "--steps", "--batch", "--executors", "--device"), Set.of());
        List<String> models = a.get("--model", "lenet,cnn").equals("all") ? List.of("lenet", "cnn") : List.of(a.get("--model", "lenet,cnn").split(","));
        for (String m : models) if (!m.equals("lenet") && !m.equals("cnn")) throw new IllegalArgumentException("spark: unknown --model '" + m + "': use lenet, cnn or both");
        int steps = a.getInt("--steps", 30, 2), batch = a.getInt("--batch", 64, 1);
        String device = a.get("--device", "cpu:0");
        int[] sizes = Arrays.stream(a.get("--executors", "1,2").split(",")).mapToInt(s -> {
            try {
                return Integer.parseInt(s.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("spark: --executors takes counts such as 1,2, not '" + s + "'");
            }
        }).toArray();
        Mnist.Split data = Mnist.load(stem -> SparkCommand.class.getResourceAsStream("/mnist/" + stem + ".gz"), "embedded MNIST t10k");
        List<Run> runs = new ArrayList<>();
        for (int n : sizes) {
            if (n < 1) throw new IllegalArgumentException("spark: --executors counts must be at least 1, not " + n);
            try (JavaSparkContext sc = LocalCluster.start(n, 1024); Device d = Devices.get(device)) {
                for (String m : models) runs.add(measure(sc, d, device, m, n, steps, batch, data.train()));
            }
        }
        print(runs);
        return 0;
    }

    static Model build(String model, Device d) {
        return switch (model) {
            case "lenet" -> MnistModels.build("lenet").build(d, 42);
            // Keras' MNIST convnet, 1,199,882 parameters.
            default -> new Sequential(Input.of(1, 28, 28), new Conv2d(32, 3).activation("relu"), new Conv2d(64, 3).activation("relu"),
                    new MaxPooling2d(2), new Dropout(0.25f), new Flatten(), new Dense(128).activation("relu"), new Dropout(0.5f),
                    new Dense(10)).build(d, 42);
        };
    }

    /** A warm-up stage of a few steps (JIT, executors' first model), then one stage of steps, timed. */
    static Run measure(JavaSparkContext sc, Device d, String device, String name, int n, int steps, int batch, Dataset train) {
        try (Model m = build(name, d); Optimizer opt = new Adam(1e-3f)) {
            long params = m.parameters().stream().filter(Parameter::trainable).mapToLong(p -> p.value().size()).sum();
            int global = batch * n, warm = Math.min(5, steps);
            SparkTrainer t = new SparkTrainer(sc, m, opt, () -> Loss.sparseCategoricalCrossentropy().fromLogits()).executors(n).device(device)
                    .batchSize(global).epochs(1);
            t.fit(train.slice(0, Math.min(train.size(), warm * global)));
            SparkTrainer.Stats before = t.stats();
            long t0 = System.nanoTime();
            t.fit(train.slice(0, Math.min(train.size(), steps * global)));
            double seconds = (System.nanoTime() - t0) / 1e9;
            SparkTrainer.Stats s = t.stats();
            long k = s.steps() - before.steps();
            double compute = (s.computeNanos() - before.computeNanos()) / 1e6 / k, exchange = (s.exchangeNanos() - before.exchangeNanos()) / 1e6 / k;
            double overhead = Math.max(0, seconds * 1e3 / k - compute - exchange), wait = (s.waitNanos() - before.waitNanos()) / 1e6 / k;
            Run r = new Run(name, n, params, batch, k * global / seconds, compute, exchange, wait, overhead, (s.bytes() - before.bytes()) / k);
            System.out.printf("%s, %d executor(s) on %s: %d steps of %d images, %.1f img/s%n", name, n, t.placement(), k, global, r.imagesPerSec());
            return r;
        }
    }

    /** Estimated images/s on m machines from a model's 1- and 2-executor runs (the formula above). */
    static double estimate(Run one, Run two, int machines) {
        double c = one.computeMs() / 1e3 / one.batch(), f = fetchMs(two) / 1e3, s = two.overheadMs() / 1e3;
        double t = c * one.batch() + 2.0 * (machines - 1) * f + 8.0 * one.params() * (machines - 1) / (machines * LINK) + s;
        return machines * one.batch() / t;
    }

    /** Exchange time per slice fetched, the wait for a slower task left out: two fetches a step for each of 2 tasks. */
    static double fetchMs(Run two) {
        return (two.exchangeMs() - two.waitMs()) / 2;
    }

    private static void print(List<Run> runs) {
        System.out.println();
        System.out.println("| model | parameters | executors | batch per executor | images/s | compute ms/step | exchange ms/step | of it waiting | exchange share | driver ms/step | bytes moved/step |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
        for (Run r : runs) {
            double total = r.computeMs() + r.exchangeMs() + r.overheadMs();
            System.out.printf("| %s | %,d | %d | %d | %.1f | %.1f | %.1f | %.1f | %.0f%% | %.1f | %,d |%n", r.model(), r.params(), r.executors(), r.batch(),
                    r.imagesPerSec(), r.computeMs(), r.exchangeMs(), r.waitMs(), 100 * r.exchangeMs() / total, r.overheadMs(), r.bytesPerStep());
        }
        System.out.println();
        System.out.println("Estimate on a 10 Gbit/s network (T(M) = c b + 2 (M-1) f + 8 P (M-1) / (M W) + s; images/s = M b / T(M)):");
        System.out.println("| model | c ms/image | f ms/fetch | 8 machines img/s | 64 machines img/s | 64 machines exchange share |");
        System.out.println("|---|---|---|---|---|---|");
        for (Run one : runs) {
            if (one.executors() != 1) continue;
            Run two = runs.stream().filter(r -> r.model().equals(one.model()) && r.executors() == 2).findFirst().orElse(null);
            if (two == null) continue;
            double c = one.computeMs() / one.batch(), f = fetchMs(two), img64 = estimate(one, two, 64);
            double share = 1 - one.computeMs() / 1e3 / (64 * one.batch() / img64);
            System.out.printf("| %s | %.3f | %.2f | %.0f | %.0f | %.0f%% |%n", one.model(), c, f, estimate(one, two, 8), img64, 100 * share);
        }
    }
}
