package io.neurite.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurite.data.Dataset;
import io.neurite.device.Buffer;
import io.neurite.device.DType;
import io.neurite.device.Device;
import io.neurite.device.Devices;
import io.neurite.device.Op;
import io.neurite.nn.Conv2d;
import io.neurite.nn.Dense;
import io.neurite.nn.Flatten;
import io.neurite.nn.Input;
import io.neurite.nn.Mode;
import io.neurite.nn.Model;
import io.neurite.nn.Node;
import io.neurite.optim.Adam;
import io.neurite.optim.LearningRateSchedule;
import io.neurite.optim.Optimizer;
import io.neurite.tensor.GradMode;
import io.neurite.tensor.Scope;
import io.neurite.tensor.Tensor;
import io.neurite.train.FitOptions;
import io.neurite.train.History;
import io.neurite.train.Loss;
import io.neurite.train.Trainer;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The entry points' Javadoc examples, run as written on {@code cpu:0} (JavadocSnippetsCompileTest
 * checks that every example compiles; this one that the main ones do what they say). The free
 * variables of an example are made here first.
 */
@SuppressWarnings("try") // the examples open scopes they do not name in the body
class JavadocExamplesTest {
    private static final int N = 32;

    private static Dataset digits(int n) {
        float[] pixels = new float[n * 28 * 28];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 10;
            for (int j = 0; j < 28; j++) pixels[i * 784 + labels[i] * 28 + j] = 1;
        }
        return Dataset.ofLabels(pixels, new int[] {1, 28, 28}, labels);
    }

    @Test
    void modelAndScopeAndOptimizer() {
        try (Device device = Devices.get("cpu:0")) {
            // Model
            Node in = Input.of(1, 28, 28);
            Node xn = new Conv2d(6, 5).padding("same").activation("relu").call(in);
            Model model = new Model(in, new Dense(10).call(new Flatten().call(xn)));
            model.build(device, 42);
            String summary = model.summary();
            assertTrue(summary.contains("Dense") || summary.contains("dense"), summary);

            // Optimizer and Scope
            Optimizer optimizer = new Adam(1e-3f).schedule(LearningRateSchedule.exponentialDecay(1000, 0.96f, false));
            float[] pixels = new float[N * 784];
            for (int i = 0; i < pixels.length; i++) pixels[i] = (i % 7) / 7f;
            int[] ys = new int[N];
            for (int i = 0; i < N; i++) ys[i] = i % 10;
            try (Tensor x = Tensor.of(device, pixels, N, 1, 28, 28); Tensor labels = Tensor.of(device, ys, N)) {
                float before = model.parameters().getFirst().value().toFloatArray()[0];
                try (Scope step = Scope.open()) {
                    Tensor loss = Loss.sparseCategoricalCrossentropy().fromLogits().compute(model.forward(x, Mode.TRAINING), labels);
                    loss.backward();
                    optimizer.step(model.parameters());
                }   // every intermediate is closed here
                assertTrue(before != model.parameters().getFirst().value().toFloatArray()[0], "the step moved a weight");
                assertEquals(1, optimizer.iterations());

                // GradMode
                try (GradMode off = GradMode.disabled(); Scope s = Scope.open()) {
                    Tensor y = model.predict(x);
                    assertArrayEquals(new int[] {N, 10}, y.shape());
                }
            } finally {
                optimizer.close();
                model.close();
            }
        }
    }

    @Test
    void tensorBackward() {
        try (Device device = Devices.get("cpu:0")) {
            try (Tensor x = Tensor.of(device, new float[] {1, 0, 0, 1}, 2, 2);
                    Tensor w = Tensor.of(device, new float[] {1, 2, 3, 4}, 2, 2).requiresGrad()) {
                try (Scope s = Scope.open()) {
                    Tensor loss = x.matmul(w).relu().sum();
                    loss.backward();                 // w.grad() now holds d loss / d w
                    assertEquals(10f, loss.item());
                    assertNotNull(w.grad());   // made in the scope, so closed with it
                    assertArrayEquals(new float[] {1, 1, 1, 1}, w.grad().toFloatArray());
                }
            }
        }
    }

    @Test
    void trainerFitAndEvaluate() {
        try (Device device = Devices.get("cpu:0")) {
            Dataset train = digits(64), test = digits(20);
            Node in = Input.of(1, 28, 28);
            try (Model model = new Model(in, new Dense(10).call(new Flatten().call(in))).build(device, 1);
                    Optimizer adam = new Adam(1e-3f)) {
                Trainer t = new Trainer(model, adam, Loss.sparseCategoricalCrossentropy().fromLogits())
                        .output(new PrintStream(OutputStream.nullOutputStream()));
                History h = t.fit(train, new FitOptions().batchSize(64).epochs(3).validationData(test));
                Map<String, Double> scores = t.evaluate(test, 256);
                assertEquals(3, h.get("loss").size());
                assertTrue(scores.containsKey("loss"), scores.toString());
            }
        }
    }

    @Test
    void deviceAndBuffer() {
        try (Device d = Devices.get("cpu:0");
                Buffer a = d.allocate(DType.FLOAT32, 4); Buffer b = d.allocate(DType.FLOAT32, 4)) {
            a.copyFrom(new float[] {1, -2, 3, -4});
            d.ops().activation(Op.RELU, 0, 4, a, b);
            assertArrayEquals(new float[] {1, 0, 3, 0}, b.toFloatArray());
        }
    }
}
