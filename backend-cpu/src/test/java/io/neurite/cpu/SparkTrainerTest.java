package io.neurite.cpu;

import static io.neurite.behaviour.DataParallelBehaviour.maxDifference;
import static io.neurite.behaviour.DataParallelBehaviour.weights;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurite.data.Dataset;
import io.neurite.data.Mnist;
import io.neurite.device.Device;
import io.neurite.device.Devices;
import io.neurite.distributed.spark.LocalCluster;
import io.neurite.distributed.spark.SparkTrainer;
import io.neurite.nn.Conv2d;
import io.neurite.nn.Dense;
import io.neurite.nn.Flatten;
import io.neurite.nn.Input;
import io.neurite.nn.MaxPooling2d;
import io.neurite.nn.Model;
import io.neurite.nn.Sequential;
import io.neurite.optim.Adam;
import io.neurite.optim.Optimizer;
import io.neurite.train.FitOptions;
import io.neurite.train.Loss;
import io.neurite.train.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@link SparkTrainer} on a real multi-process cluster, Spark's {@code local-cluster[2,1,1024]}
 * (two executors, each its own JVM, on 127.0.0.1), LeNet-5 on the MNIST split (the first 8,000
 * t10k images to train, the last 2,000 to evaluate), held to one-process training with the same
 * global batch.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SparkTrainerTest {
    static final int BATCH = 64;
    /** Weights after 10 Adam steps: the two sums of a batch's gradient differ in order only. */
    static final float TOLERANCE = 2e-5f;
    private JavaSparkContext sc;
    private Device device;
    private Mnist.Split mnist;
    private final AtomicInteger failedTasks = new AtomicInteger();

    @BeforeAll
    void start() throws Exception {
        // ../shared's copy where there is one, else the t10k files the main job embeds (always in a checkout).
        Path dir = Path.of("../../shared/data/mnist").toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) dir = Path.of("../bench/src/main/resources/mnist").toAbsolutePath().normalize();
        Assumptions.assumeTrue(Files.isDirectory(dir), "no MNIST test files at ../shared/data/mnist or bench/src/main/resources/mnist");
        mnist = Mnist.load(dir);
        device = Devices.get("cpu:0");
        sc = LocalCluster.start(2, 1024);
        sc.sc().addSparkListener(new SparkListener() {
            @Override
            public void onTaskEnd(SparkListenerTaskEnd end) {
                if (!end.taskInfo().successful()) failedTasks.incrementAndGet();
            }
        });
    }

    @AfterAll
    void stop() {
        if (sc != null) sc.close();
        if (device != null) device.close();
    }

    static Model lenet(Device d) {
        return new Sequential(Input.of(1, 28, 28), new Conv2d(6, 5).padding("same").activation("relu"), new MaxPooling2d(2),
                new Conv2d(16, 5).activation("relu"), new MaxPooling2d(2), new Flatten(),
                new Dense(120).activation("relu"), new Dense(84).activation("relu"), new Dense(10)).build(d, 42);
    }

    static Loss loss() {
        return Loss.sparseCategoricalCrossentropy().fromLogits();
    }

    /** Trains on the cluster; returns the weights, the driver's model and optimiser closed. */
    private float[][] spark(Dataset data, int epochs, int stepsPerStage, double[] accuracy) {
        try (Model m = lenet(device); Optimizer opt = new Adam(1e-3f)) {
            SparkTrainer trainer = new SparkTrainer(sc, m, opt, SparkTrainerTest::loss).executors(2).device("cpu:0").batchSize(BATCH)
                    .epochs(epochs).seed(3).stepsPerStage(stepsPerStage);
            SparkTrainer.Result r = trainer.fit(data);
            assertEquals(2, Set.copyOf(trainer.placement()).size(), "the two tasks ran in two executors: " + trainer.placement());
            SparkTrainer.Stats s = r.stats();
            System.out.printf("spark: %d steps in %d stages, %.1f ms compute and %.1f ms exchange a step, %d bytes a step, %.1f s in stages%n",
                    s.steps(), s.stages(), s.computeNanos() / 1e6 / s.steps(), s.exchangeNanos() / 1e6 / s.steps(), s.bytes() / s.steps(), s.wallNanos() / 1e9);
            assertEquals(epochs * ((data.size() + BATCH - 1) / BATCH), s.steps());
            assertEquals(s.steps(), opt.iterations(), "the optimiser's step count came back");
            if (accuracy != null) accuracy[0] = new Trainer(m, opt, loss()).evaluate(mnist.test(), 500).get("accuracy");
            return weights(m);
        }
    }

    private float[][] single(Dataset data, int epochs, double[] accuracy) {
        try (Model m = lenet(device); Optimizer opt = new Adam(1e-3f)) {
            Trainer t = new Trainer(m, opt, loss());
            t.fit(data, new FitOptions().batchSize(BATCH).epochs(epochs).seed(3).verbose(0));
            if (accuracy != null) accuracy[0] = t.evaluate(mnist.test(), 500).get("accuracy");
            return weights(m);
        }
    }

    @Test
    void afterTenStepsTheModelIsTheOneProcessModel() {
        Dataset data = mnist.train().slice(0, 10 * BATCH);
        float[][] cluster = spark(data, 1, 0, null), one = single(data, 1, null);
        float diff = maxDifference(cluster, one);
        System.out.printf("spark (2 executors) against one process after 10 steps of batch %d: max weight difference %.3g%n", BATCH, diff);
        assertTrue(diff < TOLERANCE, "max weight difference " + diff);
        try (Model m0 = lenet(device)) {
            assertTrue(maxDifference(one, weights(m0)) > 100 * TOLERANCE, "training moved the weights");
        }
    }

    @Test
    void aTaskThatFailsOnPurposeIsRetriedToTheSameModel() throws InterruptedException {
        Dataset data = mnist.train().slice(0, 10 * BATCH);
        float[][] straight = spark(data, 1, 5, null);
        int before = failedTasks.get();
        sc.setLocalProperty("neurite.spark.failStep", "7");
        float[][] retried;
        try {
            retried = spark(data, 1, 5, null);
        } finally {
            sc.setLocalProperty("neurite.spark.failStep", null);
        }
        for (int i = 0; i < 50 && failedTasks.get() == before; i++) Thread.sleep(100);
        assertTrue(failedTasks.get() > before, "a task failed (the listener saw " + (failedTasks.get() - before) + ")");
        for (int i = 0; i < straight.length; i++) assertArrayEquals(straight[i], retried[i], "parameter " + i + " after the retried stage");
    }

    @Test
    void lenetOnTheMnistSplitReachesTheOneProcessAccuracy() {
        double[] cluster = new double[1], one = new double[1];
        spark(mnist.train(), 1, 0, cluster);
        single(mnist.train(), 1, one);
        System.out.printf("LeNet-5, 1 epoch on 8,000, batch %d: accuracy on 2,000 %.2f%% on the cluster, %.2f%% in one process%n",
                BATCH, 100 * cluster[0], 100 * one[0]);
        assertTrue(one[0] > 0.8, "one process trained: " + one[0]);
        assertEquals(one[0], cluster[0], 0.005, "accuracy within 0.5 points");
    }
}
