package io.neurite.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurite.device.Device;
import io.neurite.device.Devices;
import io.neurite.nn.Model;
import io.neurite.onnx.OnnxExport;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bench onnx F.onnx} (the summary, or every node that does not import) and {@code bench mnist --model F.onnx}. */
class OnnxCommandTest {
    @TempDir
    Path dir;

    record Run(MainErrorsTest.Outcome outcome, String stdout) {
    }

    /** Main.run with System.out captured too (the subcommands print there). */
    static Run run(String... args) {
        PrintStream saved = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            MainErrorsTest.Outcome o = MainErrorsTest.run(args);
            return new Run(o, bytes.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(saved);
        }
    }

    private Path export(String model, long seed) throws Exception {
        Path f = dir.resolve(model + ".onnx");
        try (Device d = Devices.get("cpu:0"); Model m = MnistModels.build(model).build(d, seed)) {
            OnnxExport.write(m, f);
        }
        return f;
    }

    @Test
    void printsTheImportedModelsSummary() throws Exception {
        Path f = export("lenet", 1);
        Run r = run("onnx", f.toString());
        assertEquals(0, r.outcome().status(), r.outcome().err());
        String summary;
        try (Device d = Devices.get("cpu:0"); Model m = MnistModels.build("lenet").build(d, 1)) {
            summary = m.summary();
        }
        assertTrue(r.stdout().startsWith(f + ": imported on cpu:0, input [batch, 1, 28, 28]\n"), r.stdout());
        assertTrue(r.stdout().endsWith(summary), "the summary of the model exported:\n" + r.stdout() + "\nwant:\n" + summary);
    }

    @Test
    void listsEveryNodeThatDoesNotImportAndFails() throws Exception {
        Path f = export("mlp", 1);
        ModelProto.Builder m = ModelProto.parseFrom(Files.readAllBytes(f)).toBuilder();
        NodeProto.Builder last = m.getGraphBuilder().getNodeBuilder(m.getGraph().getNodeCount() - 1);
        String renamed = last.getName();
        last.setOpType("Elu");
        m.getGraphBuilder().getNodeBuilder(0).addAttribute(onnx.Onnx.AttributeProto.newBuilder().setName("odd").setI(1)
                .setType(onnx.Onnx.AttributeProto.AttributeType.INT));
        Files.write(f, m.build().toByteArray());
        Run r = run("onnx", f.toString());
        assertEquals(2, r.outcome().status());
        List<String> err = r.outcome().err().lines().toList();
        assertEquals(List.of("error: " + f + ": cannot import 2 parts (listed above)"), err);
        assertTrue(r.stdout().contains("\n  node 'flatten_1' (Flatten): attribute 'odd' is not supported\n"), r.stdout());
        assertTrue(r.stdout().contains("\n  node '" + renamed + "' (Elu): op type Elu is not supported\n"), r.stdout());
        assertTrue(r.stdout().contains("supported ONNX ops: Add, AveragePool, BatchNormalization"), r.stdout());
        Run corrupt = run("onnx", dir.resolve("absent.onnx").toString());
        assertEquals(2, corrupt.outcome().status());
        assertEquals("error: " + dir.resolve("absent.onnx") + ": no such file", corrupt.outcome().err().strip());
    }

    /** An untrained MLP exported to ONNX, imported by mnist --model and trained one epoch, as with the built-in one. */
    @Test
    void mnistTrainsAnImportedModel() throws Exception {
        Path f = export("mlp", 5), json = dir.resolve("r.json"), again = dir.resolve("again.onnx");
        Run r = run("mnist", "--model", f.toString(), "--epochs", "1", "--device", "cpu:0", "--warmup", "0.2", "--optimizer", "sgd",
                "--lr", "0.1", "--batch", "32", "--json", json.toString(), "--export-onnx", again.toString());
        assertEquals(0, r.outcome().status(), r.outcome().err());
        assertTrue(r.stdout().contains("dense_1"), r.stdout());
        Matcher acc = Pattern.compile("\"eval_accuracy\": ([0-9.]+)").matcher(Files.readString(json));
        assertTrue(acc.find());
        assertTrue(Double.parseDouble(acc.group(1)) > 0.8, "accuracy after one epoch: " + acc.group(1));
        assertTrue(Files.size(again) > 600_000, "the fine-tuned model exported again");
        Path tokens = dir.resolve("tokens.onnx");
        try (Device d = Devices.get("cpu:0"); Model m = OnnxExportTest.model("tokens").build(d, 1)) {
            OnnxExport.write(m, tokens);
        }
        Run bad = run("mnist", "--model", tokens.toString(), "--epochs", "1", "--device", "cpu:0", "--warmup", "0");
        assertEquals(2, bad.outcome().status());
        assertEquals("error: mnist: " + tokens + " maps [12] to [3] per sample; MNIST needs [1, 28, 28] images to [10] logits",
                bad.outcome().err().strip());
        Run missing = run("mnist", "--model", dir.resolve("missing.onnx").toString(), "--epochs", "1", "--device", "cpu:0");
        assertEquals(2, missing.outcome().status());
        assertTrue(missing.outcome().err().contains("missing.onnx: no such file"), missing.outcome().err());
    }
}
