package io.neurite.behaviour;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurite.data.Dataset;
import io.neurite.nn.Add;
import io.neurite.nn.AveragePooling2d;
import io.neurite.nn.BatchNormalization;
import io.neurite.nn.Concatenate;
import io.neurite.nn.Conv2d;
import io.neurite.nn.Dense;
import io.neurite.nn.Dropout;
import io.neurite.nn.Flatten;
import io.neurite.nn.GlobalAveragePooling2d;
import io.neurite.nn.Input;
import io.neurite.nn.MaxPooling2d;
import io.neurite.nn.Model;
import io.neurite.nn.Node;
import io.neurite.nn.Sequential;
import io.neurite.optim.Adam;
import io.neurite.optim.SGD;
import io.neurite.tensor.NeuralOps;
import io.neurite.tensor.Scope;
import io.neurite.tensor.Tensor;
import io.neurite.tensor.TensorMath;
import io.neurite.device.DType;
import io.neurite.train.EarlyStopping;
import io.neurite.train.FitOptions;
import io.neurite.train.History;
import io.neurite.train.Loss;
import io.neurite.train.Trainer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The model API end to end on the device: autograd, layers, training, scopes, determinism. */
public abstract class ModelApiBehaviour extends DeviceSuite {

    @Test
    void autogradMatchesFiniteDifferencesThroughAComposedGraph() {
        float[] xv = {0.5f, -1.2f, 2.0f, 0.3f, -0.7f, 1.1f}, wv = {0.2f, -0.4f, 0.9f, 0.1f, -0.3f, 0.6f};
        try (Tensor w = Tensor.of(device, wv, 3, 2).requiresGrad(); Tensor x = Tensor.of(device, xv, 2, 3).requiresGrad();
             Scope s = Scope.open()) {
            Tensor loss = loss(x, w);
            loss.backward();
            float[] gw = w.grad().toFloatArray(), gx = x.grad().toFloatArray();
            for (int i = 0; i < wv.length; i++) {
                assertEquals(numeric(xv, wv, i, false), gw[i], 2e-3, "d/dw[" + i + "]");
                assertEquals(numeric(xv, wv, i, true), gx[i], 2e-3, "d/dx[" + i + "] (input gradients, for saliency)");
            }
        }
    }

    /** sum(tanh(x w) * sigmoid(x w) + (x w)^2 / 2) over a [2,3]x[3,2] product, with broadcasting by a row. */
    private Tensor loss(Tensor x, Tensor w) {
        Tensor h = x.matmul(w);
        Tensor row = Tensor.of(device, new float[] {0.5f, 2f}, 2);
        return h.tanh().mul(h.sigmoid()).add(h.mul(h).mul(row)).sum();
    }

    private double numeric(float[] xv, float[] wv, int i, boolean wrtX) {
        double h = 1e-2;
        float[] x = xv.clone(), w = wv.clone();
        float[] target = wrtX ? x : w;
        float keep = target[i];
        target[i] = (float) (keep + h);
        double up = evaluate(x, w);
        target[i] = (float) (keep - h);
        double down = evaluate(x, w);
        return (up - down) / (2 * h);
    }

    private double evaluate(float[] x, float[] w) {
        try (Scope s = Scope.open()) {
            return loss(Tensor.of(device, x, 2, 3), Tensor.of(device, w, 3, 2)).item();
        }
    }

    /**
     * An evaluation's batches are uploaded straight from the dataset's features (consecutive
     * samples, no staging copy): in batches of 8 and a last one of 5 it scores what one batch of
     * all 37 does, and a tensor made from a slice holds that slice.
     */
    @Test
    void evaluationBatchesFromTheDatasetScoreAsOneWholeBatch() {
        Dataset data = CheckpointFixtures.patterns(37, 21);
        try (Model m = CheckpointFixtures.mlp().build(device, 9); SGD sgd = new SGD(0.1f)) {
            Trainer t = new Trainer(m, sgd, Loss.sparseCategoricalCrossentropy().fromLogits()).output(quiet());
            t.fit(data, new FitOptions().batchSize(8).epochs(2).verbose(0));
            var batches = t.evaluate(data, 8);
            var whole = t.evaluate(data, 37);
            assertEquals(whole.get("loss"), batches.get("loss"), 1e-5, "loss, batches of 8 against one of 37");
            assertEquals(whole.get("accuracy"), batches.get("accuracy"), "accuracy");
        }
        float[] v = {1, 2, 3, 4, 5, 6, 7};
        try (Tensor slice = Tensor.ofRange(device, v, 2, 2, 2)) {
            assertArrayEquals(new float[] {3, 4, 5, 6}, slice.toFloatArray());
        }
        var e = assertThrows(IllegalArgumentException.class, () -> Tensor.ofRange(device, v, 4, 2, 2));
        assertEquals("Tensor.ofRange: 4 values of shape [2, 2] from offset 4 run past the end of 7", e.getMessage());
    }

    /**
     * At inference Dense adds its bias and applies an elementwise activation over its own product
     * (NeuralOps.biasActivationInPlace): the outputs must be the recorded path's, bit for bit, for
     * every activation and without a bias, and the in-place op refuses to run while gradients are
     * recorded. The device's cache is filled with NaN first, so an element left unwritten shows.
     */
    @Test
    void inPlaceDenseInferenceEqualsTheRecordedPath() {
        float[] xv = new float[6 * 13];
        SplittableRandom r = new SplittableRandom(17);
        for (int i = 0; i < xv.length; i++) xv[i] = (float) (4 * r.nextDouble() - 2);
        for (String f : new String[] {"linear", "relu", "leaky_relu", "leaky_relu:0.05", "sigmoid", "tanh", "softmax"}) {
            for (boolean useBias : new boolean[] {true, false}) {
                try (Model m = new Sequential(Input.of(13), new Dense(9).activation(f).useBias(useBias).biasInitializer(io.neurite.nn.Initializer.constant(0.25f)),
                        new Dense(5).activation(f)).build(device, 3);
                     Tensor x = Tensor.of(device, xv, 6, 13);
                     Scope s = Scope.open()) {
                    float[] recorded = m.forward(x, io.neurite.nn.Mode.INFERENCE).toFloatArray();
                    // freed NaN buffers of the two layers' output sizes, for the in-place pass to be handed
                    Tensor.of(device, nanArray(6 * 9), 6, 9).close();
                    Tensor.of(device, nanArray(6 * 5), 6, 5).close();
                    float[] inPlace = m.predict(x).toFloatArray();
                    assertArrayEquals(recorded, inPlace, f + (useBias ? " with" : " without") + " bias");
                }
            }
        }
        try (Tensor y = Tensor.zeros(device, 2, 3); Tensor b = Tensor.zeros(device, 3)) {
            assertThrows(IllegalStateException.class, () -> NeuralOps.biasActivationInPlace(y, b, io.neurite.device.Op.RELU, 0));
        }
    }

    private static float[] nanArray(int n) {
        float[] v = new float[n];
        java.util.Arrays.fill(v, Float.NaN);
        return v;
    }

    @Test
    void lenetHasKerasParameterCountsAndASummary() {
        try (Model m = new Sequential(Input.of(1, 28, 28), new Conv2d(6, 5).padding("same").activation("relu"), new MaxPooling2d(2),
                new Conv2d(16, 5).activation("relu"), new MaxPooling2d(2), new Flatten(), new Dense(120).activation("relu"),
                new Dense(84).activation("relu"), new Dense(10)).build(device, 1)) {
            String summary = m.summary();
            assertTrue(summary.contains("Total params: 61,706"), summary);
            assertTrue(summary.contains("(None, 16, 5, 5)"), summary);
            assertArrayEquals(new int[] {10}, m.outputShape());
        }
    }

    @Test
    void aSmallCnnLearnsASyntheticTaskAndTheSameSeedGivesTheSameWeights() {
        Dataset data = stripes(512, 7);
        float[] first = null;
        for (int run = 0; run < 2; run++) {
            try (Model m = new Sequential(Input.of(1, 8, 8), new Conv2d(4, 3).padding("same").activation("relu"), new MaxPooling2d(2),
                    new Flatten(), new Dense(2)).build(device, 11); Adam adam = new Adam(0.01f)) {
                Trainer t = new Trainer(m, adam, Loss.sparseCategoricalCrossentropy().fromLogits()).output(quiet());
                History h = t.fit(data, new FitOptions().batchSize(32).epochs(4).seed(3).validationSplit(0.25));
                assertTrue(h.last("val_accuracy") > 0.95, "validation accuracy " + h);
                assertTrue(h.get("loss").getLast() < h.get("loss").getFirst(), "loss falls: " + h);
                float[] w = m.parameters().getFirst().value().toFloatArray();
                if (first == null) first = w;
                else assertArrayEquals(first, w, "same seed, same device: same weights after training");
            }
        }
    }

    /** 8x8 images with a bright horizontal (class 0) or vertical (class 1) stripe, plus noise. */
    private static Dataset stripes(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n * 64];
        int[] y = new int[n];
        for (int s = 0; s < n; s++) {
            y[s] = r.nextInt(2);
            int line = r.nextInt(8);
            for (int i = 0; i < 64; i++) {
                boolean on = y[s] == 0 ? i / 8 == line : i % 8 == line;
                x[s * 64 + i] = (on ? 1f : 0f) + 0.2f * (float) r.nextDouble();
            }
        }
        return Dataset.ofLabels(x, new int[] {1, 8, 8}, y);
    }

    @Test
    void aFunctionalGraphWithResidualAndInceptionBranchesTrains() {
        Node in = Input.of(1, 8, 8);
        Node stem = new Conv2d(4, 3).padding("same").activation("relu").call(in);
        Node a = new Conv2d(4, 1).activation("relu").call(stem);
        Node b = new Conv2d(4, 3).padding("same").activation("relu").call(stem);
        Node c = new Conv2d(4, 5).padding("same").activation("relu").call(stem);
        Node d = new AveragePooling2d(3).strides(1, 1).padding("same").call(stem);
        Node mixed = new Concatenate().call(a, b, c, d);
        Node res = new Add().call(new Conv2d(4, 1).call(mixed), stem);
        Node out = new Dense(2).call(new Dropout(0.1f).call(new GlobalAveragePooling2d().call(new BatchNormalization().call(res))));
        try (Model m = new Model(in, out).build(device, 5); SGD sgd = new SGD(0.1f, 0.9f, true)) {
            assertArrayEquals(new int[] {2}, m.outputShape());
            Trainer t = new Trainer(m, sgd, Loss.sparseCategoricalCrossentropy().fromLogits()).output(quiet());
            EarlyStopping stop = new EarlyStopping("loss", 100, 0);
            History h = t.fit(stripes(256, 9), new FitOptions().batchSize(32).epochs(6).seed(1).callbacks(stop));
            assertTrue(h.last("accuracy") > 0.8, "training accuracy " + h);
            assertEquals(-1, stop.stoppedEpoch());
        }
    }

    @Test
    void aScopeFreesEveryIntermediateAndKeepMovesOneOut() {
        long before = device.liveBuffers();
        Tensor kept;
        try (Scope s = Scope.open()) {
            Tensor x = Tensor.uniform(device, 1, -1, 1, 4, 4);
            kept = s.keep(x.relu().mul(2f));
            x.sigmoid().tanh();
        }
        assertEquals(before + 1, device.liveBuffers());
        assertNotNull(kept.toFloatArray());
        kept.close();
    }

    @Test
    void badShapesAreClearErrors() {
        try (Scope s = Scope.open()) {
            Tensor a = Tensor.zeros(device, 2, 3), b = Tensor.zeros(device, 4, 2);
            var e = assertThrows(IllegalArgumentException.class, () -> a.matmul(b));
            assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[4, 2]"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> a.add(Tensor.zeros(device, 4)));
            assertTrue(e.getMessage().contains("do not broadcast"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> NeuralOps.softmaxCrossEntropy(Tensor.zeros(device, 3, 10), Tensor.of(device, new int[] {1, 2}, 2)));
            assertTrue(e.getMessage().contains("[3, 10]"), e.getMessage());
        }
        var e = assertThrows(IllegalArgumentException.class,
                () -> new Sequential(Input.of(1, 4, 4), new Conv2d(2, 5)).build(device, 1));
        assertTrue(e.getMessage().contains("conv2d_1"), e.getMessage());
    }

    @Test
    void whereCastOneHotAndTheLossFormsAgree() {
        try (Scope s = Scope.open()) {
            Tensor cond = Tensor.of(device, new float[] {1, 0, 1}, 3);
            Tensor a = Tensor.of(device, new float[] {1, 2, 3}, 3).requiresGrad(), b = Tensor.of(device, new float[] {-1, -2, -3}, 3);
            Tensor w = TensorMath.where(cond, a, b);
            assertArrayEquals(new float[] {1, -2, 3}, w.toFloatArray());
            w.sum().backward();
            assertArrayEquals(new float[] {1, 0, 1}, a.grad().toFloatArray());
            Tensor labels = TensorMath.cast(Tensor.of(device, new float[] {2.9f, 0f}, 2), DType.INT32);
            assertArrayEquals(new int[] {2, 0}, labels.toIntArray());
            Tensor logits = Tensor.of(device, new float[] {0.1f, 0.5f, 2f, 1f, -1f, 0f}, 2, 3);
            float sparse = Loss.sparseCategoricalCrossentropy().fromLogits().compute(logits, labels).item();
            float oneHot = Loss.categoricalCrossentropy().fromLogits().compute(logits, TensorMath.oneHot(labels, 3)).item();
            float fromProbabilities = Loss.sparseCategoricalCrossentropy().compute(NeuralOps.softmax(logits), labels).item();
            double expected = (-Math.log(Math.exp(2) / (Math.exp(0.1) + Math.exp(0.5) + Math.exp(2)))
                    - Math.log(Math.exp(1) / (Math.exp(1) + Math.exp(-1) + 1))) / 2;
            // cpu:0 takes exp and log from Java and averages in order. OpenCL allows 3 ulp for each
            // of exp and log (CUDA's expf and logf 2), and a device may reduce the mean in another
            // order: some tens of ulp of a loss of 0.36 (ulp 3e-8) at worst.
            double tolerance = onReference() ? 1e-6 : 4e-6;
            assertEquals(expected, sparse, tolerance);
            assertEquals(expected, oneHot, tolerance);
            assertEquals(expected, fromProbabilities, tolerance);
            assertThrows(IllegalArgumentException.class, () -> Loss.sparseCategoricalCrossentropy().compute(logits, labels));
            assertEquals(2.5f, Loss.meanSquaredError().compute(Tensor.of(device, new float[] {1, 2}, 2),
                    Tensor.of(device, new float[] {0, 4}, 2)).item(), 1e-6);
        }
    }
}
