package io.neurite.behaviour;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurite.nn.Activation;
import io.neurite.nn.Add;
import io.neurite.nn.AveragePooling2d;
import io.neurite.nn.BatchNormalization;
import io.neurite.nn.Concatenate;
import io.neurite.nn.Conv2d;
import io.neurite.nn.Dense;
import io.neurite.nn.Dropout;
import io.neurite.nn.Embedding;
import io.neurite.nn.Flatten;
import io.neurite.nn.GlobalAveragePooling2d;
import io.neurite.nn.Gru;
import io.neurite.nn.Input;
import io.neurite.nn.Lstm;
import io.neurite.nn.MaxPooling2d;
import io.neurite.nn.Mode;
import io.neurite.nn.Model;
import io.neurite.nn.Node;
import io.neurite.nn.PRelu;
import io.neurite.nn.Reshape;
import io.neurite.nn.Sequential;
import io.neurite.nn.SimpleRnn;
import io.neurite.tensor.Tensor;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Wrong shapes, one row a layer type: building the model is refused with one line that names the
 * layer, the shapes it got and what it expects, before any kernel runs, and the refused build
 * leaves no weight allocated on the device.
 */
public abstract class ShapeErrorBehaviour extends DeviceSuite {
    /** A model that must not build, and what its error must say. */
    private record Row(String name, Supplier<Model> model, String... says) {
    }

    private static Model two(java.util.function.Function<Node[], Node> layer, int[] a, int[] b) {
        Node in = Input.of(a);
        Node x = new Reshape(b).call(new Dense((int) Tensor.size(b)).call(new Flatten().call(in)));
        return new Model(in, layer.apply(new Node[] {in, x}));
    }

    private static List<Row> rows() {
        int[] image = {1, 28, 28};
        return List.of(
                new Row("Dense on an image", () -> new Sequential(Input.of(image), new Dense(10)), "dense_1", "Dense", "[1, 28, 28]", "[features]", "Flatten"),
                new Row("Dense too large", () -> new Sequential(Input.of(1 << 24), new Dense(1 << 24)), "Dense", "kernel", "[16777216, 16777216]"),
                new Row("Lstm fed 2-D data", () -> new Sequential(Input.of(784), new Lstm(8)), "lstm_1", "Lstm", "[784]", "[steps, features]"),
                new Row("Gru fed an image", () -> new Sequential(Input.of(image), new Gru(8)), "Gru", "[1, 28, 28]", "[steps, features]"),
                new Row("SimpleRnn fed 2-D data", () -> new Sequential(Input.of(5), new SimpleRnn(8)), "SimpleRnn", "[5]", "[steps, features]"),
                new Row("Lstm with a wrong initial state", () -> {
                    Node in = Input.of(4, 3);
                    Node h = new Dense(5).call(new Flatten().call(in));
                    return new Model(in, new Lstm(6).call(in, h, h));
                }, "Lstm", "[6]", "[5]"),
                new Row("Add of different shapes", () -> two(n -> new Add().call(n), new int[] {8}, new int[] {4}), "add_1", "Add", "[8]", "[4]"),
                new Row("Concatenate mismatched", () -> two(n -> new Concatenate().call(n), new int[] {2, 8, 8}, new int[] {2, 6, 6}),
                        "Concatenate", "[2, 8, 8]", "[2, 6, 6]", "differ only in channels"),
                new Row("Conv2d kernel larger than its input", () -> new Sequential(Input.of(1, 3, 3), new Conv2d(4, 5)),
                        "conv2d_1", "Conv2d", "[1, 3, 3]", "at least 5x5"),
                new Row("Conv2d on a vector", () -> new Sequential(Input.of(784), new Conv2d(4, 3)), "Conv2d", "[784]", "[channels, height, width]"),
                new Row("MaxPooling2d window larger than its input", () -> new Sequential(Input.of(1, 2, 2), new MaxPooling2d(4)),
                        "MaxPooling2d", "[1, 2, 2]", "at least 4x4"),
                new Row("AveragePooling2d on a vector", () -> new Sequential(Input.of(10), new AveragePooling2d(2)),
                        "AveragePooling2d", "[10]", "[channels, height, width]"),
                new Row("GlobalAveragePooling2d on a vector", () -> new Sequential(Input.of(10), new GlobalAveragePooling2d()),
                        "GlobalAveragePooling2d", "[10]", "[channels, height, width]"),
                new Row("Reshape to another size", () -> new Sequential(Input.of(10), new Reshape(7)), "Reshape", "[10]", "[7]"),
                new Row("Flatten of two inputs", () -> two(n -> new Flatten().call(n), new int[] {4}, new int[] {4}), "Flatten", "one input", "[4]"),
                new Row("BatchNormalization of two inputs", () -> two(n -> new BatchNormalization().call(n), new int[] {3}, new int[] {3}),
                        "BatchNormalization", "one input", "[3]"),
                new Row("PRelu of two inputs", () -> two(n -> new PRelu().call(n), new int[] {3}, new int[] {2}), "PRelu", "one input", "[3], [2]"),
                new Row("Dropout of two inputs", () -> two(n -> new Dropout(0.5f).call(n), new int[] {3}, new int[] {2}), "Dropout", "[3], [2]"),
                new Row("Activation of two inputs", () -> two(n -> new Activation("relu").call(n), new int[] {3}, new int[] {2}), "Activation", "[3], [2]"),
                new Row("Embedding too large", () -> new Sequential(Input.of(4), new Embedding(1 << 24, 1 << 8)), "Embedding", "embeddings",
                        "[16777216, 256]"),
                new Row("an output too large", () -> new Sequential(Input.of(1 << 16, 1 << 8), new Embedding(2, 1 << 8)), "Embedding",
                        "[65536, 256]", "[65536, 256, 256]"));
    }

    @TestFactory
    Stream<DynamicTest> everyLayerRefusesWrongShapesNamingThem() {
        return rows().stream().map(row -> DynamicTest.dynamicTest(row.name(), () -> {
            long before = device.liveBuffers();
            Model m = row.model().get();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.build(device, 1), row.name());
            String msg = e.getMessage();
            for (String s : row.says()) assertTrue(msg.contains(s), row.name() + ": '" + s + "' missing from: " + msg);
            assertFalse(msg.contains("\n"), "one line: " + msg);
            assertEquals(before, device.liveBuffers(), "a refused build frees the weights it made: " + msg);
        }));
    }

    @Test
    void aRefusedBuildLeavesNothingHalfBuilt() {
        long before = device.liveBuffers();
        Model m = new Sequential(Input.of(1, 3, 3), new Conv2d(2, 1), new Conv2d(2, 5));
        assertThrows(IllegalArgumentException.class, () -> m.build(device, 1));
        assertEquals(before, device.liveBuffers(), "the first convolution's weights were freed");
        assertThrows(IllegalArgumentException.class, () -> m.build(device, 1), "still refused for its shapes, not 'already built'");
    }

    @Test
    void aModelFedTheWrongInputSaysWhatItExpects() {
        try (Model m = new Sequential(Input.of(1, 28, 28), new Flatten(), new Dense(10)).build(device, 1);
             Tensor x = Tensor.of(device, new float[2 * 784], 2, 784)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.forward(x, Mode.INFERENCE));
            assertTrue(e.getMessage().contains("[batch, 1, 28, 28]") && e.getMessage().contains("[2, 784]"), e.getMessage());
        }
    }

    @Test
    void anEmbeddingFedFractionsNamesTheValue() {
        try (Model m = new Sequential(Input.of(3), new Embedding(10, 4)).build(device, 1);
             Tensor x = Tensor.of(device, new float[] {1, 2.5f, 3}, 1, 3)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.forward(x, Mode.INFERENCE));
            assertTrue(e.getMessage().contains("Embedding") && e.getMessage().contains("2.5"), e.getMessage());
        }
    }
}
