package io.neurite.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The main job end to end, in-process, on the embedded data: one epoch of the MLP (a second or
 * two), its --json figures and its --plot PNG; and the summary subcommand.
 */
class MnistJobTest {
    @TempDir
    Path dir;

    @Test
    void trainsTheMlpAndWritesTheJsonFiguresAndThePlot() throws IOException {
        Path json = dir.resolve("out/result.json"), png = dir.resolve("curves.png"), onnx = dir.resolve("mlp.onnx");
        MainErrorsTest.Outcome o = MainErrorsTest.run("mnist", "--model", "mlp", "--epochs", "1", "--device", "cpu:0",
                "--warmup", "0.3", "--json", json.toString(), "--plot", png.toString(), "--export-onnx", onnx.toString());
        assertEquals(0, o.status(), o.err());
        String text = Files.readString(json);
        assertEquals("\"cpu:0\"", value(text, "device"));
        assertEquals("\"mlp\"", value(text, "model"));
        assertEquals("1", value(text, "epochs"));
        assertEquals("32", value(text, "batch"), "the MLP's default batch");
        assertTrue(Double.parseDouble(value(text, "warmup_seconds")) >= 0.3, text);
        assertTrue(Double.parseDouble(value(text, "train_images_per_sec")) > 0, text);
        assertTrue(Double.parseDouble(value(text, "eval_images_per_sec")) > 0, text);
        int passes = Integer.parseInt(value(text, "eval_passes"));
        assertTrue(passes >= 5 && passes <= 200, "timed inference passes: " + passes);
        double accuracy = Double.parseDouble(value(text, "eval_accuracy"));
        assertTrue(accuracy > 0.8 && accuracy <= 1, "accuracy after one epoch: " + accuracy);
        assertEquals(2 * Plot.WIDTH, ImageIO.read(png.toFile()).getWidth(), "loss and accuracy charts");
        var env = ai.onnxruntime.OrtEnvironment.getEnvironment();
        try (var session = env.createSession(onnx.toString(), new ai.onnxruntime.OrtSession.SessionOptions())) {
            assertEquals(java.util.List.of("input_1"), java.util.List.copyOf(session.getInputNames()), "the exported model's input");
        } catch (ai.onnxruntime.OrtException e) {
            throw new AssertionError("--export-onnx wrote a file ONNX Runtime cannot load", e);
        }
    }

    @Test
    void printsTheSummaryOfEachBuiltInModel() {
        for (String model : List.of("mlp", "lenet", "lstm")) {
            String out = capturingStdout(() -> assertEquals(0, MainErrorsTest.run("summary", "--model", model).status()));
            assertTrue(out.contains("Dense"), model + ":\n" + out);
            assertTrue(out.contains(model.equals("mlp") ? "Total params: 159" : "Total params: "), model + ":\n" + out);
        }
    }

    /** The value of a top-level key of the flat JSON object Json writes, as its text. */
    private static String value(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\": (\"[^\"]*\"|[-+0-9.eE]+|null)").matcher(json);
        assertTrue(m.find(), key + " missing from " + json);
        return m.group(1);
    }

    /** What body prints to System.out (the subcommands print there, not to Main.run's streams). */
    private static String capturingStdout(Runnable body) {
        PrintStream saved = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            body.run();
        } finally {
            System.setOut(saved);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
