package io.neurite.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurite.device.Device;
import io.neurite.device.Devices;
import io.neurite.nn.Model;
import io.neurite.onnx.OnnxException;
import io.neurite.onnx.OnnxImport;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.TensorProto;
import onnx.Onnx.ValueInfoProto;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * ONNX's own node test cases (Debian's {@code libonnx-testdata}, from ONNX 1.12; skipped whole
 * without it) for the ops the import supports: every case whose nodes all have a supported op
 * type is imported and run on cpu:0 with {@code test_data_set_0}, and its output must equal ONNX's
 * reference to 1e-5 + 1e-4 |reference|. The case's graph inputs besides the one the model reads
 * become initialisers from their test data (Neurite's weights are constants); the first input
 * that imports is the model's. A case the import refuses (a form Neurite lacks: raw time-major
 * recurrent outputs, broadcasting, a rank-1 input, dilations...) is skipped with the refusal as
 * its reason; a wrong output fails. The summary printed at the end lists each group.
 */
class OnnxNodeCasesTest {
    static final Path NODE = Path.of("/usr/share/libonnx-testdata/data/node");
    private static final Map<String, String> PASSED = new TreeMap<>(), SKIPPED = new TreeMap<>();

    @TestFactory
    Stream<DynamicTest> nodeCases() throws IOException {
        Assumptions.assumeTrue(Files.isDirectory(NODE), NODE + " is absent (apt-get install libonnx-testdata): the ONNX node cases are not run");
        List<DynamicTest> tests = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(NODE)) {
            for (Path d : dirs.sorted().toList()) {
                Path model = d.resolve("model.onnx"), data = d.resolve("test_data_set_0");
                if (!Files.isRegularFile(model) || !Files.isDirectory(data)) continue;
                ModelProto m = ModelProto.parseFrom(Files.readAllBytes(model));
                if (m.getGraph().getNodeCount() == 0 || !m.getGraph().getNodeList().stream().map(NodeProto::getOpType)
                        .allMatch(OnnxImport.supportedOps()::contains)) {
                    continue;
                }
                tests.add(DynamicTest.dynamicTest(d.getFileName().toString(), () -> run(d.getFileName().toString(), m, data)));
            }
        }
        return tests.stream();
    }

    private static void run(String name, ModelProto m, Path data) throws Exception {
        List<TensorProto> inputs = new ArrayList<>();
        for (int i = 0; i < m.getGraph().getInputCount(); i++) inputs.add(TensorProto.parseFrom(Files.readAllBytes(data.resolve("input_" + i + ".pb"))));
        TensorProto want = TensorProto.parseFrom(Files.readAllBytes(data.resolve("output_0.pb")));
        String refusal = null;
        try (Device d = Devices.get("cpu:0")) {
            for (int x = 0; x < inputs.size(); x++) {
                Model model;
                try {
                    model = OnnxImport.read(withConstants(m, inputs, x), d);
                } catch (OnnxException e) {
                    if (refusal == null) refusal = e.getMessage();
                    continue;
                }
                try (model) {
                    float[] in = floats(inputs.get(x));
                    int n = (int) inputs.get(x).getDims(0);
                    float[] got = TorchStateDictTest.predict(model, d, in, n), ref = floats(want);
                    long[] outDims = want.getDimsList().stream().mapToLong(Long::longValue).toArray();
                    int[] shape = model.outputShape();
                    long[] ours = new long[shape.length + 1];
                    ours[0] = n;
                    for (int i = 0; i < shape.length; i++) ours[i + 1] = shape[i];
                    assertArrayEquals(outDims, ours, name + ": output shape");
                    assertEquals(ref.length, got.length, name);
                    double worst = 0;
                    for (int i = 0; i < ref.length; i++) {
                        double err = Math.abs(got[i] - ref[i]);
                        assertTrue(err <= 1e-5 + 1e-4 * Math.abs(ref[i]), name + ": output " + i + " is " + got[i] + ", ONNX's reference " + ref[i]);
                        worst = Math.max(worst, err);
                    }
                    synchronized (PASSED) {
                        PASSED.put(name, String.format("max abs diff %.2g, input '%s'", worst, m.getGraph().getInput(x).getName()));
                    }
                    return;
                }
            }
        }
        String why = refusal == null ? "the graph has no input (a Neurite model reads one)" : refusal.substring(refusal.indexOf(": cannot import") + 2);
        synchronized (SKIPPED) {
            SKIPPED.put(name, why);
        }
        Assumptions.abort(why);
    }

    /** The model with every graph input but input x made an initialiser of its test data. */
    static ModelProto withConstants(ModelProto m, List<TensorProto> inputs, int x) {
        ModelProto.Builder b = m.toBuilder();
        for (int i = 0; i < inputs.size(); i++) {
            if (i == x) continue;
            ValueInfoProto v = m.getGraph().getInput(i);
            b.getGraphBuilder().addInitializer(inputs.get(i).toBuilder().setName(v.getName()));
        }
        return b.build();
    }

    /** A test tensor's values as floats (float, double, int64, int32 and bool, raw or typed). */
    static float[] floats(TensorProto t) {
        int n = 1;
        for (long d : t.getDimsList()) n *= (int) d;
        float[] v = new float[n];
        ByteBuffer raw = t.hasRawData() ? t.getRawData().asReadOnlyByteBuffer().slice().order(ByteOrder.LITTLE_ENDIAN) : null;
        for (int i = 0; i < n; i++) {
            v[i] = switch (t.getDataType()) {
                case TensorProto.DataType.FLOAT_VALUE -> raw != null ? raw.getFloat(4 * i) : t.getFloatData(i);
                case TensorProto.DataType.DOUBLE_VALUE -> (float) (raw != null ? raw.getDouble(8 * i) : t.getDoubleData(i));
                case TensorProto.DataType.INT64_VALUE -> raw != null ? raw.getLong(8 * i) : t.getInt64Data(i);
                case TensorProto.DataType.INT32_VALUE -> raw != null ? raw.getInt(4 * i) : t.getInt32Data(i);
                case TensorProto.DataType.BOOL_VALUE -> raw != null ? raw.get(i) : t.getInt32Data(i);
                default -> throw new AssertionError("test data of type " + t.getDataType());
            };
        }
        return v;
    }

    @AfterAll
    static void report() {
        if (PASSED.isEmpty() && SKIPPED.isEmpty()) return;
        System.out.println("ONNX node cases: " + PASSED.size() + " pass, " + SKIPPED.size() + " skipped");
        PASSED.forEach((k, v) -> System.out.println("  pass " + k + " (" + v + ")"));
        SKIPPED.forEach((k, v) -> System.out.println("  skip " + k + ": " + v));
        assertTrue(PASSED.size() >= 65, "fewer node cases pass than the 65 the README records: " + PASSED.keySet());
    }
}
