package io.neurite.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurite.io.CheckpointException;
import io.neurite.io.Json;
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
import io.neurite.nn.Layer;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Model JSON: every built-in layer's settings survive a round trip; bad files are refused naming the layer. */
class ModelJsonTest {
    @TempDir
    Path dir;

    /** A functional graph with every built-in layer and non-default settings. */
    private static Model everything() {
        Node in = Input.of(3, 17, 17);
        Node a = new Conv2d(4, 3, 5).strides(2, 1).padding("same").activation("leaky_relu:0.01").useBias(false).regularize(1e-4f, 0.5f).call(in);
        Node b = new Conv2d(4, 1).activation("log_softmax").named("shortcut").call(in);
        b = new MaxPooling2d(2, 1).strides(2, 1).padding("same").call(b);
        Node x = new Add().call(a, b);
        x = new BatchNormalization().momentum(0.9f).epsilon(1e-5f).call(x);
        x = new PRelu().call(x);
        Node y = new AveragePooling2d(3).padding("valid").call(x);
        Node z = new Concatenate().call(y, new AveragePooling2d(3).call(x));
        Node g = new GlobalAveragePooling2d().call(z);
        Node out = new Dense(10).activation("softmax").useBias(false).regularize(0, 1e-3f).call(new Dropout(0.25f).call(
                new Activation("tanh").call(new Activation("log_softmax").call(new Flatten().call(g)))));
        return new Model(in, out);
    }

    private static List<String> describe(Model m) {
        return m.nodes().stream().map(n -> n.layer().name() + " " + n.layer().type() + " " + Json.write(n.layer().config()) + " <- "
                + n.inputs().stream().map(i -> i.layer().name()).toList()).toList();
    }

    @Test
    void everyBuiltInLayerRoundTrips() throws Exception {
        Model m = everything();
        Path f = dir.resolve("model.json");
        ModelJson.write(m, f);
        Model back = ModelJson.read(f);
        assertEquals(describe(m), describe(back));
        assertEquals(Files.readString(f), ModelJson.toJson(back), "writing the read model gives the same file");
        assertTrue(Files.readString(f).contains("\"kernel_h\": 3"), "snake_case keys");
        assertTrue(Files.readString(f).contains("\"momentum\": 0.9,"), "floats in shortest form");
    }

    @Test
    void aSequentialStaysSequential() throws Exception {
        Model m = new Sequential(Input.of(1, 28, 28), new Flatten(), new Dense(200).activation("sigmoid"), new Dense(10));
        Model back = ModelJson.fromJson(ModelJson.toJson(m), "mlp.json");
        assertInstanceOf(Sequential.class, back);
        assertEquals(describe(m), describe(back));
        assertEquals(List.of(1, 28, 28), java.util.Arrays.stream(back.inputShape()).boxed().toList());
    }

    @Test
    void filesWithTheOlderLayerNamesStillLoad() throws Exception {
        Model m = new Sequential(Input.of(1, 8, 8), new MaxPooling2d(2), new AveragePooling2d(2), new BatchNormalization(),
                new Flatten(), new Dense(2));
        String current = ModelJson.toJson(m);
        assertTrue(current.contains("\"MaxPooling2d\"") && current.contains("\"BatchNormalization\""), current);
        String old = current.replace("\"MaxPooling2d\"", "\"MaxPool2d\"").replace("\"AveragePooling2d\"", "\"AvgPool2d\"")
                .replace("\"BatchNormalization\"", "\"BatchNorm\"");
        assertTrue(old.contains("\"MaxPool2d\"") && old.contains("\"AvgPool2d\"") && old.contains("\"BatchNorm\""), old);
        Model back = ModelJson.fromJson(old, "old.json");
        assertEquals(describe(m), describe(back));
        assertEquals(current, ModelJson.toJson(back), "rewritten under the current names");
    }

    @Test
    void recurrentLayersRoundTrip() throws Exception {
        Node in = Input.of(12);
        Node x = new Reshape(4, -1).call(new Flatten().call(new Embedding(50, 6).call(in)));
        x = new Lstm(5).unitForgetBias(false).returnSequences(true).call(x);
        x = new SimpleRnn(4).activation("relu").returnSequences(true).call(x);
        Model m = new Model(in, new Dense(2).call(new Gru(3).call(x)));
        Model back = ModelJson.fromJson(ModelJson.toJson(m), "rnn.json");
        assertEquals(describe(m), describe(back));
        assertTrue(ModelJson.toJson(m).contains("\"target_shape\": [4, -1]"), ModelJson.toJson(m));
    }

    private static void refused(String json, String... fragments) {
        CheckpointException e = assertThrows(CheckpointException.class, () -> ModelJson.fromJson(json, "m.json"));
        for (String s : fragments) assertTrue(e.getMessage().contains(s), "'" + s + "' in: " + e.getMessage());
    }

    private static String mlp() {
        return ModelJson.toJson(new Sequential(Input.of(4), new Dense(3).activation("relu"), new Dense(2)));
    }

    @Test
    void refusesBadModelFilesNamingTheLayer() {
        refused("{\"format\": \"keras\"}", "m.json", "not a Neurite model file");
        refused(mlp().replace("\"format_version\": 1", "\"format_version\": 9"), "format_version 9");
        refused(mlp().replace("\"class_name\": \"Dense\"", "\"class_name\": \"Transformer\""), "dense_1 (Transformer)", "unknown layer class");
        refused(mlp().replace("\"units\": 3", "\"units\": \"three\""), "dense_1", "'units' must be an int");
        refused(mlp().replace("\"units\": 3,", ""), "dense_1", "config has no 'units'");
        refused(mlp().replace("\"units\": 3,", "\"units\": 3, \"dilation\": 2,"), "dense_1 (Dense)", "rebuilds as");
        refused(mlp().replace("\"activation\": \"relu\"", "\"activation\": \"swish\""), "dense_1", "unknown activation 'swish'");
        refused(mlp().replace("\"inbound_nodes\": [\n        \"dense_1\"\n      ]", "\"inbound_nodes\": [\"nowhere\"]"),
                "dense_2", "inbound layer 'nowhere'");
        refused(mlp().replace("\"output_layer\": \"dense_2\"", "\"output_layer\": \"dense_9\""), "output_layer 'dense_9'");
        refused(mlp().substring(0, 200), "m.json: bad JSON at offset");
    }

    @Test
    void hand_writtenNumbersNeedNotMatchTheWrittenForm() throws Exception {
        String json = mlp().replace("\"l1\": 0.0", "\"l1\": 0");
        assertEquals(describe(ModelJson.fromJson(mlp(), "a")), describe(ModelJson.fromJson(json, "b")));
    }

    /** A layer class outside the built-ins: it describes itself by its fields and registers a factory. */
    static final class Scale extends Layer {
        private final float factor;
        private transient int width;

        Scale(float factor) {
            this.factor = factor;
        }

        @Override
        protected int[] init(int[][] inputShapes) {
            width = inputShapes[0][0];
            return inputShapes[0];
        }

        @Override
        public Tensor forward(Tensor[] inputs, Mode mode) {
            return inputs[0].mul(factor);
        }
    }

    @Test
    void aRegisteredLayerRoundTripsAndAnUnregisteredOneIsNotWritten() throws Exception {
        Model m = new Sequential(Input.of(4), new Scale(2.5f), new Dense(2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelJson.toJson(m));
        assertTrue(e.getMessage().contains("scale_1") && e.getMessage().contains("not registered"), e.getMessage());
        LayerRegistry.register(Scale.class, c -> new Scale(c.number("factor")));
        String json = ModelJson.toJson(m);
        assertEquals(Map.of("factor", 2.5f), m.layers().get(1).config(), "transient fields are not settings");
        assertEquals(describe(m), describe(ModelJson.fromJson(json, "s.json")));
    }

    @Test
    void layerNamesAreKeptAndMustBeUnique() {
        Dense d = new Dense(2);
        d.named("head");
        Model m = new Sequential(Input.of(4), new Dense(3), d);
        assertEquals("head", m.layers().get(2).name());
        assertThrows(IllegalArgumentException.class, () -> new Sequential(Input.of(4), new Dense(3).named("x"), new Dense(2).named("x")));
        assertThrows(IllegalArgumentException.class, () -> new Dense(3).named("a/b"));
        Model clash = new Sequential(Input.of(4), new Dense(3).named("dense_1"), new Dense(2));
        assertEquals("dense_2", clash.layers().get(2).name(), "automatic names skip taken ones");
    }
}
