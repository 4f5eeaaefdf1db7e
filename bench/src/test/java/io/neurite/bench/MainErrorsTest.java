package io.neurite.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurite.checkpoint.Checkpoint;
import io.neurite.device.Device;
import io.neurite.device.Devices;
import io.neurite.nn.Model;
import io.neurite.nn.Parameter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind of bad input to the bench command ends with exit status 2 and one line on standard
 * error, {@code error: ...}, naming the file, option or value at fault; no stack trace. Runs
 * {@link Main#run} in-process; each case fails before any training.
 */
class MainErrorsTest {
    @TempDir
    Path dir;

    /** The exit status and what went to each stream. */
    record Outcome(int status, String out, String err) {
    }

    static Outcome run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Outcome(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Refused with status 2 and a single line on err that contains every one of the given words. */
    private static void assertRefused(Outcome o, String... words) {
        List<String> lines = o.err().lines().toList();
        assertEquals(1, lines.size(), "one line on err, got:\n" + o.err());
        String line = lines.getFirst();
        assertTrue(line.startsWith("error: "), line);
        for (String w : words) assertTrue(line.contains(w), "'" + w + "' missing from: " + line);
        assertEquals(2, o.status(), line);
    }

    @Test
    void refusesADataDirectoryWithoutMnistFiles() {
        assertRefused(run("mnist", "--data", dir.toString()), dir.toString(), "t10k");
        assertRefused(run("mnist", "--data", dir.resolve("nope").toString()), dir.resolve("nope").toString(), "does not exist");
    }

    @Test
    void refusesATruncatedGzipIdxFile() throws IOException {
        int n = 10;
        byte[] pixels = new byte[n * 784];
        new Random(5).nextBytes(pixels); // incompressible, so half the gzip file is half the data
        byte[] images = gzip(idx(new int[] {n, 28, 28}, pixels));
        Files.write(dir.resolve("t10k-images-idx3-ubyte.gz"), Arrays.copyOf(images, images.length / 2));
        Files.write(dir.resolve("t10k-labels-idx1-ubyte.gz"), gzip(idx(new int[] {n}, new byte[n])));
        assertRefused(run("mnist", "--data", dir.toString()), dir + "/t10k-images-idx3-ubyte", "truncated");
    }

    @Test
    void refusesARawIdxFileWithABadMagicNumber() throws IOException {
        byte[] images = idx(new int[] {3, 28, 28}, new byte[3 * 784]);
        images[2] = 0x0d; // float data, which MNIST never has
        Files.write(dir.resolve("t10k-images-idx3-ubyte"), images);
        Files.write(dir.resolve("t10k-labels-idx1-ubyte"), idx(new int[] {3}, new byte[3]));
        assertRefused(run("mnist", "--data", dir.toString()), dir + "/t10k-images-idx3-ubyte", "offset 2");
    }

    @Test
    void refusesBadOptionValues() {
        assertRefused(run("mnist", "--epochs", "abc"), "--epochs", "abc");
        assertRefused(run("mnist", "--epochs", "0"), "--epochs", "at least 1");
        assertRefused(run("mnist", "--lr", "fast"), "--lr", "fast");
        assertRefused(run("mnist", "--warmup", "-1"), "--warmup", "0 to 600 seconds");
        assertRefused(run("mnist", "--warmup", "NaN"), "--warmup", "finite", "NaN");
        assertRefused(run("mnist", "--warmup", "soon"), "--warmup", "must be a number, not 'soon', or auto");
        assertRefused(run("mnist", "--epochs"), "--epochs", "needs a value");
        assertRefused(run("mnist", "--bogus", "1"), "--bogus");
        assertRefused(run("mnist", "--model", "mlp", "--device", "cpu:0", "--optimizer", "adamw"), "adamw");
    }

    /** Java parses NaN and Infinity, which pass checks such as {@code > 0}; a float option must also fit a float. */
    @Test
    void refusesNonFiniteNumbers() {
        for (String v : List.of("NaN", "Infinity", "-Infinity")) assertRefused(run("mnist", "--model", "mlp", "--lr", v), "--lr", "finite", v);
        assertRefused(run("mnist", "--model", "mlp", "--lr", "1e39"), "--lr", "1e39", "float range");
        assertRefused(run("mnist", "--model", "mlp", "--lr", "0"), "--lr", "positive");
        assertRefused(run("mnist", "--model", "mlp", "--warmup", "Infinity"), "--warmup", "Infinity");
        assertRefused(run("gemm", "--device", "cpu:0", "--seconds", "NaN"), "--seconds", "NaN");
        assertRefused(run("conv", "--device", "cpu:0", "--seconds", "Infinity"), "--seconds", "Infinity");
    }

    /** 20 x batch overflowed in the warm-up; a batch above the training set is refused, naming its size. */
    @Test
    void refusesABatchLargerThanTheTrainingSet() {
        assertRefused(run("mnist", "--model", "mlp", "--device", "cpu:0", "--batch", "107374183"), "--batch 107374183", "8000 training samples");
        assertRefused(run("mnist", "--model", "mlp", "--device", "cpu:0", "--batch", "0"), "--batch", "at least 1");
    }

    /** Divergence stops the run at the first non-finite loss, naming epoch, batch and layer, with status 3. */
    @Test
    void aDivergingRunStopsWithStatusThree() {
        Outcome o = run("mnist", "--model", "mlp", "--device", "cpu:0", "--lr", "1e37", "--epochs", "2", "--warmup", "0");
        List<String> lines = o.err().lines().toList();
        assertEquals(1, lines.size(), o.err());
        assertTrue(lines.getFirst().startsWith("error: training diverged in epoch 1, batch "), lines.getFirst());
        assertTrue(lines.getFirst().contains("(layer dense_"), lines.getFirst());
        assertEquals(Main.DIVERGED, o.status(), o.err());
        assertTrue(!o.out().contains("accuracy"), "no results table for a diverged run");
    }

    /** A checkpoint whose weights hold a NaN (with a valid checksum) is refused before any training. */
    @Test
    void refusesToResumeFromNonFiniteWeights() throws IOException {
        Path ck = dir.resolve("ck");
        String name;
        try (Device cpu = Devices.get("cpu:0"); Model m = MnistModels.build("mlp").build(cpu, 1)) {
            Parameter p = m.parameters().getFirst();
            name = p.name();
            p.value().buffer().copyFrom(new float[] {Float.NaN}, 0, 5, 1);
            Checkpoint.save(ck, m, null, null);
        }
        Outcome o = run("mnist", "--model", "mlp", "--device", "cpu:0", "--resume", ck.toString(), "--epochs", "1", "--warmup", "0");
        assertRefused(o, ck.resolve(Checkpoint.WEIGHTS).toString(), "tensor '" + name + "' holds NaN at element 5");
        assertTrue(!o.out().contains("Epoch 1/"), "no training");
    }

    /** Every output location is probed (a file created and renamed there) before the data is even loaded. */
    @Test
    void refusesOutputLocationsThatTakeNoFilesBeforeTraining() throws IOException {
        Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self")), "Linux /proc");
        for (String[] opt : new String[][] {{"--json", "/proc/x"}, {"--plot", "/proc/x.png"}, {"--save", "/proc/ck"}}) {
            Outcome o = run("mnist", "--model", "mlp", "--device", "cpu:0", opt[0], opt[1]);
            assertRefused(o, opt[0] + " " + opt[1], "cannot write in /proc");
            assertTrue(!o.out().contains("data:"), "refused before the data is loaded: " + o.out());
        }
        Path file = Files.writeString(dir.resolve("plain-file"), "x");
        assertRefused(run("mnist", "--model", "mlp", "--save", file.toString()), "--save", file.toString(), "is a file");
        try (var s = Files.list(dir)) {
            assertEquals(List.of(file), s.toList(), "no probe file left");
        }
    }

    @Test
    void refusesAnUnknownModelOrModelFile() {
        assertRefused(run("mnist", "--model", "nope"), "nope");
        assertRefused(run("summary", "--model", "nope"), "nope");
        Path missing = dir.resolve("missing.json");
        assertRefused(run("summary", "--model", missing.toString()), missing.toString());
    }

    @Test
    void refusesAModelFileThatIsNotJson() throws IOException {
        Path bad = Files.writeString(dir.resolve("bad.json"), "{\"format\": ");
        assertRefused(run("mnist", "--model", bad.toString()), bad.toString());
    }

    @Test
    void refusesADeviceThatIsNotHere() {
        assertRefused(run("mnist", "--model", "mlp", "--device", "cuda:7"), "cuda:7", "cpu:0");
        assertRefused(run("mnist", "--model", "mlp", "--device", "tpu:0"), "tpu");
        assertRefused(run("summary", "--device", "cpu:0"), "--device");
    }

    @Test
    void refusesOutputFilesThatCannotBeWritten() throws IOException {
        Path file = Files.writeString(dir.resolve("plain-file"), "x");
        Path underFile = file.resolve("out.json");
        assertRefused(run("mnist", "--model", "mlp", "--json", underFile.toString()), "--json", underFile.toString(), "not a directory");
        assertRefused(run("mnist", "--model", "mlp", "--device", "cpu:0", "--plot", dir.toString()), "--plot", dir.toString(), "is a directory");
    }

    @Test
    void explainRefusesBadLayersSampleCountsAndAnEmptyDataSet() throws IOException {
        String out = dir.resolve("pictures").toString();
        assertRefused(run("explain", "--device", "cpu:0", "--epochs", "0", "--out", out, "--layer", "nope"), "no layer named 'nope'", "conv2d_1");
        assertRefused(run("explain", "--device", "cpu:0", "--epochs", "0", "--out", out, "--layer", "dense_1"), "'dense_1' is a Dense, not a convolution");
        assertRefused(run("explain", "--samples", "0"), "--samples");
        assertRefused(run("explain", "--weights", dir.resolve("none").toString()), "--weights", "not a directory");
        Files.write(dir.resolve("t10k-images-idx3-ubyte"), idx(new int[] {0, 28, 28}, new byte[0]));
        Files.write(dir.resolve("t10k-labels-idx1-ubyte"), idx(new int[] {0}, new byte[0]));
        assertRefused(run("explain", "--device", "cpu:0", "--data", dir.toString(), "--out", out), "empty");
    }

    @Test
    void refusesAnUnknownSubcommandAndPrintsUsageOnRequest() {
        Outcome o = run("train");
        assertEquals(1, o.err().lines().count(), o.err());
        assertTrue(o.err().contains("'train'") && o.status() == 2, o.err());
        Outcome help = run("mnist", "--help");
        assertEquals(0, help.status());
        for (String flag : List.of("--model", "--device", "--epochs", "--batch", "--lr", "--optimizer", "--data", "--download",
                "--augment", "--seed", "--save", "--resume", "--json", "--plot", "summary")) {
            assertTrue(help.out().contains(flag), flag + " missing from the usage");
        }
    }

    /** An IDX file of unsigned bytes: magic 0x0000 08 rank, big-endian dimensions, the data. */
    static byte[] idx(int[] dims, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
        b.putInt(0x0800 | dims.length);
        for (int d : dims) b.putInt(d);
        return b.put(data).array();
    }

    static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(raw);
        }
        return bytes.toByteArray();
    }
}
