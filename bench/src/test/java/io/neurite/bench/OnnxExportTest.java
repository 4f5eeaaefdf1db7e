package io.neurite.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.neurite.device.Device;
import io.neurite.device.Devices;
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
import io.neurite.onnx.OnnxExport;
import io.neurite.tensor.Tensor;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ONNX export: each model's file runs in ONNX Runtime (CPU) with outputs equal to Neurite's to
 * 1e-5, at two batch sizes (the batch dimension is symbolic), and passes {@code onnx.checker}
 * with full shape inference (Debian's python3-onnx; that part is skipped without it).
 */
class OnnxExportTest {
    static final double TOLERANCE = 1e-5;
    @TempDir
    Path dir;

    /** A residual block: two 3x3 convolutions with batch norm, added to a 1x1 projection of the input. */
    static Model residual() {
        Node in = Input.of(3, 12, 12);
        Node a = new Conv2d(8, 3).padding("same").activation("relu").call(in);
        a = new BatchNormalization().call(new Conv2d(8, 3).padding("same").call(a));
        Node skip = new Conv2d(8, 1).useBias(false).call(in);
        Node x = new Activation("relu").call(new Add().call(a, skip));
        x = new GlobalAveragePooling2d().call(new AveragePooling2d(2).call(x));
        return new Model(in, new Dense(5).activation("softmax").call(x));
    }

    /** An Inception block: 1x1, 3x3, 5x5 (strided 2 on the way) and pooled branches, concatenated. */
    static Model inception() {
        Node in = Input.of(3, 12, 12);
        Node b1 = new Conv2d(4, 1).call(in);
        Node b2 = new Conv2d(4, 3).padding("same").activation("leaky_relu").call(new Conv2d(3, 1).activation("relu").call(in));
        Node b3 = new Conv2d(2, 5).padding("same").activation("tanh").call(in);
        Node b4 = new Conv2d(2, 1).call(new MaxPooling2d(3).strides(1, 1).padding("same").call(in));
        Node b5 = new Conv2d(2, 1).activation("sigmoid").call(new AveragePooling2d(3).strides(1, 1).padding("same").call(in));
        Node x = new PRelu().call(new Concatenate().call(b1, b2, b3, b4, b5));
        x = new Conv2d(6, 3).strides(2, 2).padding("valid").activation("leaky_relu:0.01").call(x);
        x = new Dropout(0.3f).call(new Flatten().call(new MaxPooling2d(2).call(x)));
        return new Model(in, new Dense(10).call(x));
    }

    /** A GRU over the rows, starting from an h0 computed from the image, then a GRU of the last step. */
    static Model gru() {
        Node in = Input.of(1, 28, 28);
        Node seq = new Gru(16).returnSequences(true).call(new Reshape(28, 28).call(in));
        Node h0 = new Dense(12).activation("tanh").call(new Flatten().call(in));
        return new Model(in, new Dense(10).call(new Gru(12).call(seq, h0)));
    }

    /** Embedding, SimpleRNN (relu, sequences), a Dense per step, an LSTM with initial states, BatchNormalization on features. */
    static Model tokens() {
        Node in = Input.of(12);
        Node e = new Embedding(50, 8).call(in);
        Node s = new Dense(6).activation("sigmoid").call(new SimpleRnn(7).activation("relu").returnSequences(true).call(e));
        Node h0 = new Dense(5).activation("tanh").call(new Flatten().call(e));
        Node c0 = new Dense(5).call(new Flatten().call(e));
        Node x = new BatchNormalization().call(new Lstm(5).call(s, h0, c0));
        return new Model(in, new Dense(3).call(new SimpleRnn(4).call(new Reshape(1, 5).call(x))));
    }

    /**
     * Log-probabilities three ways: fused after a Conv (over its width), standalone after an Add of
     * 4-d values, and fused after the Gemm that ends the model.
     */
    static Model logProbs() {
        Node in = Input.of(2, 6, 6);
        Node c = new Conv2d(3, 3).padding("same").activation("log_softmax").call(in);
        Node r = new Activation("log_softmax").call(new Add().call(c, new Conv2d(3, 1).call(in)));
        return new Model(in, new Dense(5).activation("log_softmax").call(new Flatten().call(r)));
    }

    static Model model(String name) {
        return switch (name) {
            case "logprobs" -> logProbs();
            case "residual" -> residual();
            case "inception" -> inception();
            case "gru" -> gru();
            case "tokens" -> tokens();
            default -> MnistModels.build(name);
        };
    }

    static float[] input(Model m, int n, long seed) {
        int size = Math.toIntExact(Tensor.size(m.inputShape()));
        float[] x = new float[n * size];
        SplittableRandom r = new SplittableRandom(seed);
        boolean ids = m.layers().get(1) instanceof Embedding;
        for (int i = 0; i < x.length; i++) x[i] = ids ? r.nextInt(50) : (float) r.nextDouble();
        return x;
    }

    /** Trains the model's batch-norm statistics away from zeros and ones, so that they count. */
    static void warm(Model m, Device d) {
        float[] x = input(m, 8, 1);
        int[] shape = shape(m, 8);
        try (io.neurite.tensor.Scope s = io.neurite.tensor.Scope.open(); var off = io.neurite.tensor.GradMode.disabled()) {
            for (int i = 0; i < 3; i++) m.forward(Tensor.of(d, x, shape), Mode.TRAINING);
        }
    }

    static int[] shape(Model m, int n) {
        int[] shape = new int[m.inputShape().length + 1];
        shape[0] = n;
        System.arraycopy(m.inputShape(), 0, shape, 1, shape.length - 1);
        return shape;
    }

    static float[] ort(OrtEnvironment env, OrtSession s, float[] x, int[] shape) throws Exception {
        long[] dims = new long[shape.length];
        for (int i = 0; i < dims.length; i++) dims[i] = shape[i];
        try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), dims);
                OrtSession.Result r = s.run(Map.of(s.getInputNames().iterator().next(), t))) {
            FloatBuffer b = ((OnnxTensor) r.get(0)).getFloatBuffer();
            float[] out = new float[b.remaining()];
            b.get(out);
            return out;
        }
    }

    static final List<String> MODELS = List.of("lenet", "mlp", "lstm", "gru", "residual", "inception", "tokens", "logprobs");

    @Test
    void onnxRuntimeGivesNeuritesOutputs() throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Map<String, Path> files = new LinkedHashMap<>();
        try (Device d = Devices.get("cpu:0")) {
            for (String name : MODELS) {
                try (Model m = model(name).build(d, 21)) {
                    warm(m, d);
                    Path f = dir.resolve(name + ".onnx");
                    OnnxExport.write(m, f);
                    files.put(name, f);
                    double worst = 0;
                    try (OrtSession.SessionOptions o = new OrtSession.SessionOptions(); OrtSession s = env.createSession(f.toString(), o)) {
                        assertEquals(m.layers().getFirst().name(), s.getInputNames().iterator().next());
                        assertEquals(m.layers().getLast().name(), s.getOutputNames().iterator().next());
                        for (int n : new int[] {3, 1}) {
                            float[] x = input(m, n, 7 + n);
                            float[] want = TorchStateDictTest.predict(m, d, x, n), got = ort(env, s, x, shape(m, n));
                            worst = Math.max(worst, TorchStateDictTest.maxAbs(want, got));
                        }
                    }
                    System.out.printf("onnx %-9s max |neurite - onnxruntime| %.3g%n", name, worst);
                    assertTrue(worst <= TOLERANCE, name + ": ONNX Runtime differs from Neurite by " + worst);
                }
            }
        }
        String python = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
        Assumptions.assumeTrue(TorchStateDictTest.run(List.of(python, "-c", "import onnx"), 60) != null,
                "python3 with onnx is not available (apt-get install python3-onnx): onnx.checker not run");
        List<String> cmd = new ArrayList<>(List.of(python, "-c", """
                import sys, onnx
                for f in sys.argv[1:]:
                    m = onnx.load(f)
                    onnx.checker.check_model(m, full_check=True)
                    assert m.opset_import[0].version == 17, m.opset_import
                print("ok", len(sys.argv) - 1)
                """));
        files.values().forEach(f -> cmd.add(f.toString()));
        String out = TorchStateDictTest.run(cmd, 120);
        assertEquals("ok " + files.size(), out == null ? null : out.strip(), "onnx.checker refused a file (its error output is above)");
    }

    @Test
    void aLayerWithoutAnOnnxFormIsRefusedByName() {
        Layer odd = new SimpleRnn(3).activation("leaky_relu:0.2");
        try (Device d = Devices.get("cpu:0"); Model ok = new Sequential(Input.of(4, 2), odd).build(d, 1)) {
            assertTrue(OnnxExport.toModelProto(ok).getGraph().getNodeCount() > 0);
        }
        Layer custom = new Layer() {
            @Override
            protected int[] init(int[][] shapes) {
                return shapes[0];
            }

            @Override
            public Tensor forward(Tensor[] inputs, Mode mode) {
                return inputs[0];
            }
        };
        try (Device d = Devices.get("cpu:0"); Model m = new Sequential(Input.of(4), custom.named("mine"), new Dense(2)).build(d, 1)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OnnxExport.toModelProto(m));
            assertTrue(e.getMessage().startsWith("no ONNX export for: mine ("), e.getMessage());
        }
    }
}
