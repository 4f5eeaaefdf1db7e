package io.neurite.behaviour;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurite.data.Dataset;
import io.neurite.data.Mnist;
import io.neurite.nn.Add;
import io.neurite.nn.BatchNormalization;
import io.neurite.nn.Concatenate;
import io.neurite.nn.Conv2d;
import io.neurite.nn.Dense;
import io.neurite.nn.Dropout;
import io.neurite.nn.Flatten;
import io.neurite.nn.Input;
import io.neurite.nn.MaxPooling2d;
import io.neurite.nn.Mode;
import io.neurite.nn.Model;
import io.neurite.nn.Node;
import io.neurite.nn.Parameter;
import io.neurite.nn.Sequential;
import io.neurite.optim.Adam;
import io.neurite.optim.SGD;
import io.neurite.tensor.NeuralOps;
import io.neurite.tensor.Scope;
import io.neurite.tensor.Tensor;
import io.neurite.tensor.TensorMath;
import io.neurite.train.FitOptions;
import io.neurite.train.History;
import io.neurite.train.Loss;
import io.neurite.train.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The model API's done-criteria on real MNIST batches: summaries, residual and Inception nets, custom losses, hand-written loops. */
public abstract class ModelTrainingBehaviour extends DeviceSuite {
    private Dataset mnist;

    @BeforeAll
    void loadMnist() throws IOException {
        // ../shared's copy where there is one, else the t10k files the main job embeds (always in a checkout).
        Path dir = Path.of("../../shared/data/mnist").toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) dir = Path.of("../bench/src/main/resources/mnist").toAbsolutePath().normalize();
        Assumptions.assumeTrue(Files.isDirectory(dir), "no MNIST test files at ../shared/data/mnist or bench/src/main/resources/mnist");
        mnist = Mnist.load(dir).train().slice(0, 512);
    }

    @Test
    void theKerasMnistConvnetHasItsParameterCount() {
        try (Model m = new Sequential(Input.of(1, 28, 28), new Conv2d(32, 3).activation("relu"), new Conv2d(64, 3).activation("relu"),
                new MaxPooling2d(2), new Dropout(0.25f), new Flatten(), new Dense(128).activation("relu"), new Dropout(0.5f),
                new Dense(10).activation("softmax")).build(device, 1)) {
            assertTrue(m.summary().contains("Total params: 1,199,882"), m.summary());
        }
    }

    private void lossFalls(Supplier<Model> network, Loss loss) {
        lossFalls(network, loss, mnist);
    }

    private void lossFalls(Supplier<Model> network, Loss loss, Dataset data) {
        try (Model m = network.get().build(device, 3); Adam adam = new Adam(3e-3f)) {
            Trainer t = new Trainer(m, adam, loss).output(quiet());
            double before = t.evaluate(data, 128).get("loss");
            t.fit(data, new FitOptions().batchSize(32).epochs(3).seed(4));
            double after = t.evaluate(data, 128).get("loss");
            assertTrue(after < 0.8 * before, "loss over the batches fell from " + before + " to " + after);
        }
    }

    /**
     * On 256 images, not 512: the emulated CUDA device spends 12 s on 512, and 256 still bring the
     * loss to 0.29 of its start on cpu:0 (0.15 with 512), far under the 0.8 asserted.
     */
    @Test
    void aResidualNetworkReducesItsLoss() {
        lossFalls(() -> {
            Node in = Input.of(1, 28, 28);
            Node stem = new Conv2d(8, 3).padding("same").activation("relu").call(in);
            Node branch = new Conv2d(8, 3).padding("same").call(new Conv2d(8, 3).padding("same").activation("relu").call(stem));
            Node sum = new Add().call(stem, branch);
            Node pooled = new Flatten().call(new MaxPooling2d(4).call(new BatchNormalization().momentum(0.8f).call(sum)));
            return new Model(in, new Dense(10).call(pooled));
        }, Loss.sparseCategoricalCrossentropy().fromLogits(), mnist.slice(0, 256));
    }

    @Test
    void anInceptionNetworkReducesItsLoss() {
        lossFalls(() -> {
            Node in = Input.of(1, 28, 28);
            Node stem = new MaxPooling2d(2).call(new Conv2d(8, 3).padding("same").activation("relu").call(in));
            Node b1 = new Conv2d(4, 1).activation("relu").call(stem);
            Node b3 = new Conv2d(4, 3).padding("same").activation("relu").call(new Conv2d(4, 1).activation("relu").call(stem));
            Node b5 = new Conv2d(4, 5).padding("same").activation("relu").call(new Conv2d(2, 1).activation("relu").call(stem));
            Node bp = new Conv2d(4, 1).activation("relu").call(new MaxPooling2d(3).strides(1, 1).padding("same").call(stem));
            Node mixed = new Concatenate().call(b1, b3, b5, bp);
            return new Model(in, new Dense(10).call(new Flatten().call(new MaxPooling2d(2).call(mixed))));
        }, Loss.sparseCategoricalCrossentropy().fromLogits());
    }

    @Test
    void aCustomLossTrains() {
        // Squared error between the softmax and the one-hot label: written here, from tensor ops only.
        Loss brier = (out, labels) -> {
            Tensor diff = NeuralOps.softmax(out).sub(TensorMath.oneHot(labels, 10));
            return diff.mul(diff).mean().mul(10f);
        };
        lossFalls(() -> new Sequential(Input.of(1, 28, 28), new Flatten(), new Dense(64).activation("tanh"), new Dense(10)), brier);
    }

    @Test
    void aHandWrittenLoopWithTheTapeGivesTheSameWeightsAsFit() {
        Supplier<Model> mlp = () -> new Sequential(Input.of(1, 28, 28), new Flatten(), new Dense(32).activation("relu"), new Dense(10));
        float[] viaFit, viaLoop;
        try (Model m = mlp.get().build(device, 9); SGD sgd = new SGD(0.05f, 0.9f, false)) {
            new Trainer(m, sgd, Loss.sparseCategoricalCrossentropy().fromLogits()).output(quiet())
                    .fit(mnist, new FitOptions().batchSize(64).epochs(1).seed(21));
            viaFit = weights(m);
        }
        try (Model m = mlp.get().build(device, 9); SGD sgd = new SGD(0.05f, 0.9f, false)) {
            int[] order = mnist.shuffledOrder(21 * 1_000_003L); // fit's shuffle for epoch 0 of seed 21
            for (int from = 0; from < mnist.size(); from += 64) {
                int to = Math.min(mnist.size(), from + 64);
                float[] x = new float[(to - from) * 784];
                int[] y = new int[to - from];
                mnist.gatherFeatures(order, from, to, x);
                mnist.gatherLabels(order, from, to, y);
                try (Scope s = Scope.open()) {
                    Tensor logits = m.forward(Tensor.of(device, x, to - from, 1, 28, 28), Mode.TRAINING);
                    NeuralOps.softmaxCrossEntropy(logits, Tensor.of(device, y, to - from)).backward();
                    sgd.step(m.parameters());
                }
            }
            viaLoop = weights(m);
        }
        assertArrayEquals(viaFit, viaLoop, "same seed, same batches: the same weights");
    }

    @Test
    void predictInBatchesMatchesOneForwardAndTrainOnBatchLowersTheLoss() {
        try (Model m = new Sequential(Input.of(1, 28, 28), new Flatten(), new Dense(10)).build(device, 2); Adam adam = new Adam(1e-2f)) {
            Trainer t = new Trainer(m, adam, Loss.sparseCategoricalCrossentropy().fromLogits());
            Dataset few = mnist.slice(0, 100);
            float[] batched = t.predict(few, 33);
            float[] whole;
            try (Scope s = Scope.open()) {
                whole = m.predict(Tensor.of(device, few.features(), 100, 1, 28, 28)).toFloatArray();
            }
            assertArrayEquals(whole, batched, 1e-5f);
            float first, last = 0;
            try (Scope s = Scope.open()) {
                Tensor x = Tensor.of(device, few.features(), 100, 1, 28, 28), y = Tensor.of(device, few.labels(), 100);
                first = t.trainOnBatch(x, y);
                for (int i = 0; i < 20; i++) last = t.trainOnBatch(x, y);
            }
            assertTrue(last < first / 2, "train_on_batch: " + first + " -> " + last);
        }
    }

    private static float[] weights(Model m) {
        List<Parameter> ps = m.parameters();
        int n = 0;
        for (Parameter p : ps) n += (int) p.value().size();
        float[] all = new float[n];
        int at = 0;
        for (Parameter p : ps) {
            float[] v = p.value().toFloatArray();
            System.arraycopy(v, 0, all, at, v.length);
            at += v.length;
        }
        return all;
    }
}
