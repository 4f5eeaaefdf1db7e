package io.neurite.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurite.device.Device;
import io.neurite.device.Devices;
import io.neurite.nn.Model;
import io.neurite.onnx.OnnxImport;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Models exported by PyTorch's {@code torch.onnx.export} (Debian's python3-torch 1.13; skipped
 * without it) import and give PyTorch's outputs to 1e-5: a LeNet with batch norm, leaky ReLU,
 * average pooling, dropout and a view(size(0), -1) (opset 11), an MLP (opset 17), a residual
 * block with PReLU and softmax (13), an LSTM, two stacked GRUs, and token ids through an
 * Embedding, a ReLU RNN and an LSTM (14), and log_softmax after a Conv and after a Linear (17). The exporter's Constant, Shape, Gather, Unsqueeze,
 * Concat, ConstantOfShape, Pad and Squeeze nodes are folded at import.
 */
class OnnxTorchImportTest {
    static final List<String> MODELS = List.of("lenet", "mlp", "residual", "lstm", "gru", "tokens", "logprobs");
    @TempDir
    Path dir;

    static float[] floats(Path f) throws Exception {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(f)).order(ByteOrder.LITTLE_ENDIAN);
        float[] v = new float[b.remaining() / 4];
        b.asFloatBuffer().get(v);
        return v;
    }

    @Test
    void pytorchExportsImportWithPytorchsOutputs() throws Exception {
        String python = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
        Assumptions.assumeTrue(TorchStateDictTest.run(List.of(python, "-c", "import torch, onnx"), 120) != null,
                "python3 with torch and onnx is not available (apt-get install python3-torch python3-onnx)");
        Path script = dir.resolve("torch_models.py");
        try (InputStream in = OnnxTorchImportTest.class.getResourceAsStream("/onnx/torch_models.py")) {
            Files.copy(in, script);
        }
        String out = TorchStateDictTest.run(List.of(python, script.toString(), dir.toString()), 300);
        assertEquals("ok " + MODELS.size(), out == null ? null : out.strip(), "the export script failed (its error output is above)");
        try (Device d = Devices.get("cpu:0")) {
            for (String name : MODELS) {
                int[] shape = Arrays.stream(Files.readString(dir.resolve(name + ".shape")).strip().split(",")).mapToInt(Integer::parseInt).toArray();
                try (Model m = OnnxImport.read(dir.resolve(name + ".onnx"), d)) {
                    assertEquals(Arrays.toString(Arrays.copyOfRange(shape, 1, shape.length)), Arrays.toString(m.inputShape()), name);
                    float[] want = floats(dir.resolve(name + ".y.bin"));
                    float[] got = TorchStateDictTest.predict(m, d, floats(dir.resolve(name + ".x.bin")), shape[0]);
                    double worst = TorchStateDictTest.maxAbs(want, got);
                    if (name.equals("lenet")) {
                        System.out.print(m.summary());
                        assertEquals(List.of("x", "conv1", "pool1", "conv2", "pool2", "Reshape", "fc1", "fc2", "fc3"),
                                m.layers().stream().map(io.neurite.nn.Layer::name).toList(), "layers named after PyTorch's modules");
                    }
                    System.out.printf("onnx from torch %-9s %d layers, max |torch - neurite| %.3g%n", name, m.layers().size(), worst);
                    assertTrue(worst <= OnnxExportTest.TOLERANCE, name + ": Neurite differs from PyTorch by " + worst + "\n" + m.summary());
                }
            }
        }
    }
}
