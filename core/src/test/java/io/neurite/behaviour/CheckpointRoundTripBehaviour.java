package io.neurite.behaviour;

import static io.neurite.behaviour.CheckpointFixtures.bits;
import static io.neurite.behaviour.CheckpointFixtures.weights;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.neurite.checkpoint.Checkpoint;
import io.neurite.io.SafeTensors;
import io.neurite.nn.Conv2d;
import io.neurite.nn.Dense;
import io.neurite.nn.Flatten;
import io.neurite.nn.Input;
import io.neurite.nn.MaxPooling2d;
import io.neurite.nn.Model;
import io.neurite.nn.Sequential;
import io.neurite.optim.Adam;
import io.neurite.optim.Optimizer;
import io.neurite.tensor.Scope;
import io.neurite.tensor.Tensor;
import io.neurite.train.FitOptions;
import io.neurite.train.Loss;
import io.neurite.train.Trainer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Saving and loading weights and whole models on the device, and the file as PyTorch reads it. */
public abstract class CheckpointRoundTripBehaviour extends DeviceSuite {
    @TempDir
    Path dir;

    private static float[] input(int n, int length, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n * length];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble();
        return x;
    }

    private float[] predict(Model m, float[] x, int n) {
        int[] shape = new int[m.inputShape().length + 1];
        shape[0] = n;
        System.arraycopy(m.inputShape(), 0, shape, 1, shape.length - 1);
        try (Scope s = Scope.open()) {
            return m.predict(Tensor.of(device, x, shape)).toFloatArray();
        }
    }

    @Test
    void aWholeModelComesBackFromItsDirectoryWithTheSamePredictions() throws IOException {
        Path ck = dir.resolve("whole");
        float[] x = input(5, 64, 1);
        try (Model m = CheckpointFixtures.convNet().build(device, 3); Optimizer o = new Adam(1e-2f)) {
            // Train so that the batch statistics and weights are no longer their initial values.
            new Trainer(m, o, Loss.sparseCategoricalCrossentropy().fromLogits()).fit(CheckpointFixtures.patterns(64, 2),
                    new FitOptions().batchSize(16).epochs(1).verbose(0));
            Checkpoint.save(ck, m, null, null);
            float[] want = predict(m, x, 5);
            try (Model back = Checkpoint.readModel(ck).build(device, 99)) {
                assertFalse(Arrays.equals(bits(weights(m)), bits(weights(back))), "a fresh build starts elsewhere");
                assertNull(Checkpoint.restore(ck, back, null), "no training state in a weights-only save");
                assertArrayEquals(bits(weights(m)), bits(weights(back)));
                assertArrayEquals(bits(want), bits(predict(back, x, 5)));
            }
        }
        try (var files = Files.list(ck)) {
            assertEquals(List.of(Checkpoint.MODEL, Checkpoint.WEIGHTS), files.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void modelSaveWeightsAndLoadWeightsRoundTrip() throws IOException {
        Path f = dir.resolve("mlp.safetensors");
        try (Model a = CheckpointFixtures.mlp().build(device, 1); Model b = CheckpointFixtures.mlp().build(device, 2)) {
            Checkpoint.saveWeights(a, f);
            Checkpoint.loadWeights(b, f);
            assertArrayEquals(bits(weights(a)), bits(weights(b)));
            try (SafeTensors.Reader r = SafeTensors.open(f)) {
                assertEquals(List.of("dense_1/kernel", "dense_1/bias", "dense_2/kernel", "dense_2/bias"), List.copyOf(r.entries().keySet()));
                assertArrayEquals(new int[] {64, 33}, r.entries().get("dense_1/kernel").shape(), "Keras' [in, units]");
            }
        }
    }

    private static final String TORCH_CHECK = """
            import json, struct, sys
            import torch
            import torch.nn.functional as F
            path, xpath = sys.argv[1], sys.argv[2]
            try:
                from safetensors.torch import load_file
                w = load_file(path)
            except ImportError:
                raw = open(path, "rb").read()
                n = struct.unpack("<Q", raw[:8])[0]
                head = json.loads(raw[8:8 + n])
                head.pop("__metadata__", None)
                w = {}
                for name, e in head.items():
                    assert e["dtype"] == "F32", e
                    b, end = e["data_offsets"]
                    w[name] = torch.frombuffer(bytearray(raw[8 + n + b:8 + n + end]), dtype=torch.float32).reshape(e["shape"])
            x = torch.tensor(json.load(open(xpath))).reshape(-1, 1, 28, 28)
            with torch.no_grad():
                h = F.max_pool2d(F.relu(F.conv2d(x, w["conv2d_1/kernel"], w["conv2d_1/bias"].reshape(-1), padding=2)), 2)
                h = F.max_pool2d(F.relu(F.conv2d(h, w["conv2d_2/kernel"], w["conv2d_2/bias"].reshape(-1))), 2)
                h = h.flatten(1)
                # Linear.weight is [out, in]: the transpose of a Dense kernel.
                h = F.relu(F.linear(h, w["dense_1/kernel"].t(), w["dense_1/bias"]))
                h = F.relu(F.linear(h, w["dense_2/kernel"].t(), w["dense_2/bias"]))
                h = F.linear(h, w["dense_3/kernel"].t(), w["dense_3/bias"])
            print(json.dumps(h.flatten().tolist()))
            """;

    /** PyTorch reads the file and, with the documented layouts, computes the same LeNet-5 outputs. Skipped without python3 and torch. */
    @Test
    void pyTorchReadsTheWeightsAndComputesTheSameOutputs() throws Exception {
        String python = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
        Assumptions.assumeTrue(run(List.of(python, "-c", "import torch"), 60) != null, "python3 with torch is not available");
        Model lenet = new Sequential(Input.of(1, 28, 28), new Conv2d(6, 5).padding("same").activation("relu"), new MaxPooling2d(2),
                new Conv2d(16, 5).activation("relu"), new MaxPooling2d(2), new Flatten(), new Dense(120).activation("relu"),
                new Dense(84).activation("relu"), new Dense(10));
        try (Model m = lenet.build(device, 5)) {
            Path f = dir.resolve("lenet.safetensors"), xs = dir.resolve("x.json"), script = dir.resolve("check.py");
            float[] x = input(3, 784, 8);
            Checkpoint.saveWeights(m, f);
            Files.writeString(xs, Arrays.toString(x));
            Files.writeString(script, TORCH_CHECK);
            String out = run(List.of(python, script.toString(), f.toString(), xs.toString()), 120);
            Assumptions.assumeTrue(out != null, "the PyTorch script could not run");
            String[] parts = out.strip().replaceAll("[\\[\\]]", "").split(",\\s*");
            float[] want = predict(m, x, 3);
            assertEquals(want.length, parts.length);
            for (int i = 0; i < want.length; i++) assertEquals(want[i], Float.parseFloat(parts[i]), 1e-4, "output " + i);
        }
    }

    /** Standard output of a process that exits 0 in time, else null. */
    private static String run(List<String> command, int seconds) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(false).start();
        } catch (IOException absent) {
            return null;
        }
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return null;
        }
        if (p.exitValue() != 0) {
            System.err.println(new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
            return null;
        }
        return new String(out, StandardCharsets.UTF_8);
    }
}
