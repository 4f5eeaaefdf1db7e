package io.neurite.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurite.checkpoint.StateDict;
import io.neurite.device.Device;
import io.neurite.device.Devices;
import io.neurite.io.CheckpointException;
import io.neurite.io.Json;
import io.neurite.io.SafeTensors;
import io.neurite.nn.BatchNormalization;
import io.neurite.nn.Conv2d;
import io.neurite.nn.Dense;
import io.neurite.nn.Flatten;
import io.neurite.nn.Gru;
import io.neurite.nn.Input;
import io.neurite.nn.Model;
import io.neurite.nn.Node;
import io.neurite.nn.PRelu;
import io.neurite.nn.Parameter;
import io.neurite.nn.Reshape;
import io.neurite.nn.SimpleRnn;
import io.neurite.tensor.Scope;
import io.neurite.tensor.Tensor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PyTorch state_dicts both ways: Neurite's weights load into the equivalent PyTorch module with a
 * plain {@code load_state_dict}, and a PyTorch-trained state_dict loads into the Neurite model,
 * each giving the same outputs to 1e-5. The PyTorch side (torch_state_dict.py) runs when
 * /usr/bin/python3 has torch ({@code apt-get install python3-torch}); the test is skipped otherwise.
 */
class TorchStateDictTest {
    static final double TOLERANCE = 1e-5;
    @TempDir
    Path dir;

    /** The main job's three models and a functional one with BatchNormalization, PRelu, a GRU and a SimpleRNN. */
    static Model model(String name) {
        if (!name.equals("extra")) return MnistModels.build(name);
        Node in = Input.of(1, 8, 8);
        Node x = new PRelu().named("prelu").call(new BatchNormalization().named("bn").call(new Conv2d(4, 3).padding("same").named("conv").call(in)));
        x = new Gru(8).returnSequences(true).named("gru").call(new Reshape(16, 16).call(new Flatten().call(x)));
        return new Model(in, new Dense(3).named("out").call(new SimpleRnn(6).named("rnn").call(x)));
    }

    /** Every weight set to seeded values (variances positive), so that biases and statistics count too. */
    static void randomize(Model m, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        for (Parameter p : m.parameters()) {
            float[] v = new float[Math.toIntExact(p.value().size())];
            boolean positive = p.name().endsWith("moving_variance");
            for (int i = 0; i < v.length; i++) v[i] = positive ? (float) (0.5 + r.nextDouble()) : (float) (r.nextDouble() - 0.5) * 0.4f;
            p.value().buffer().copyFrom(v, 0, 0, v.length);
        }
    }

    static float[] predict(Model m, Device d, float[] x, int n) {
        int[] shape = new int[m.inputShape().length + 1];
        shape[0] = n;
        System.arraycopy(m.inputShape(), 0, shape, 1, shape.length - 1);
        try (Scope s = Scope.open()) {
            return m.predict(Tensor.of(d, x, shape)).toFloatArray();
        }
    }

    static float[] floats(Path json) throws Exception {
        List<?> l = (List<?>) Json.parse(Files.readString(json), json.toString(), 0);
        float[] v = new float[l.size()];
        for (int i = 0; i < v.length; i++) v[i] = ((Number) l.get(i)).floatValue();
        return v;
    }

    static List<Float> list(float[] v) {
        List<Float> l = new ArrayList<>(v.length);
        for (float f : v) l.add(f);
        return l;
    }

    static double maxAbs(float[] a, float[] b) {
        assertEquals(a.length, b.length, "output sizes");
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
        return m;
    }

    @Test
    void pyTorchLoadsNeuritesWeightsAndNeuriteLoadsPyTorchs() throws Exception {
        String python = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
        Assumptions.assumeTrue(run(List.of(python, "-c", "import torch"), 120) != null, "python3 with torch is not available (apt-get install python3-torch)");
        List<String> names = List.of("mlp", "lenet", "lstm", "extra");
        int n = 4;
        Map<String, float[]> inputs = new LinkedHashMap<>(), neurite = new LinkedHashMap<>();
        try (Device d = Devices.get("cpu:0")) {
            for (String name : names) {
                try (Model m = model(name).build(d, 11)) {
                    randomize(m, name.hashCode());
                    int size = Math.toIntExact(Tensor.size(m.inputShape()));
                    float[] x = new float[n * size];
                    SplittableRandom r = new SplittableRandom(3);
                    for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble();
                    inputs.put(name, x);
                    int[] shape = new int[m.inputShape().length + 1];
                    shape[0] = n;
                    System.arraycopy(m.inputShape(), 0, shape, 1, shape.length - 1);
                    Files.writeString(dir.resolve(name + ".x.json"), Json.write(Map.of("shape", shape, "values", list(x))));
                    StateDict.save(m, dir.resolve(name + ".neurite.safetensors"));
                    neurite.put(name, predict(m, d, x, n));
                }
            }
            Path script = dir.resolve("torch_state_dict.py");
            try (var in = TorchStateDictTest.class.getResourceAsStream("torch_state_dict.py")) {
                Files.write(script, in.readAllBytes());
            }
            List<String> cmd = new ArrayList<>(List.of(python, script.toString(), dir.toString()));
            cmd.addAll(names);
            String out = run(cmd, 300);
            assertTrue(out != null && out.strip().endsWith("ok"), "the PyTorch side failed (its error output is above)");
            for (String name : names) {
                double there = maxAbs(neurite.get(name), floats(dir.resolve(name + ".from_neurite.json")));
                double back;
                try (Model m = model(name).build(d, 99)) {
                    StateDict.load(m, dir.resolve(name + ".torch.safetensors"));
                    back = maxAbs(floats(dir.resolve(name + ".torch_out.json")), predict(m, d, inputs.get(name), n));
                }
                System.out.printf("state_dict %-6s max |neurite - torch|: Neurite->PyTorch %.3g, PyTorch->Neurite %.3g%n", name, there, back);
                assertTrue(there <= TOLERANCE, name + ": PyTorch with Neurite's weights differs by " + there);
                assertTrue(back <= TOLERANCE, name + ": Neurite with PyTorch's weights differs by " + back);
            }
        }
    }

    @Test
    void namesFollowNnSequentialIndicesOrLayerNames() {
        try (Device d = Devices.get("cpu:0")) {
            try (Model lenet = MnistModels.build("lenet").build(d, 1); Model lstm = MnistModels.build("lstm").build(d, 1);
                    Model extra = model("extra").build(d, 1)) {
                assertEquals(List.of("0.weight", "0.bias", "3.weight", "3.bias", "7.weight", "7.bias", "9.weight", "9.bias", "11.weight", "11.bias"),
                        List.copyOf(StateDict.names(lenet).keySet()));
                assertArrayEquals(new int[] {120, 400}, StateDict.names(lenet).get("7.weight"), "Linear's [out, in]");
                assertArrayEquals(new int[] {6}, StateDict.names(lenet).get("0.bias"));
                assertEquals(List.of("1.weight_ih_l0", "1.weight_hh_l0", "1.bias_ih_l0", "1.bias_hh_l0", "2.weight", "2.bias"),
                        List.copyOf(StateDict.names(lstm).keySet()));
                assertArrayEquals(new int[] {512, 28}, StateDict.names(lstm).get("1.weight_ih_l0"));
                assertEquals(List.of("conv.weight", "conv.bias", "bn.weight", "bn.bias", "bn.running_mean", "bn.running_var", "prelu.weight",
                        "gru.weight_ih_l0", "gru.weight_hh_l0", "gru.bias_ih_l0", "gru.bias_hh_l0", "rnn.weight_ih_l0", "rnn.weight_hh_l0",
                        "rnn.bias_ih_l0", "rnn.bias_hh_l0", "out.weight", "out.bias"), List.copyOf(StateDict.names(extra).keySet()));
            }
        }
    }

    @Test
    void roundTripIsExactAndAFileThatDoesNotFitChangesNothing() throws Exception {
        try (Device d = Devices.get("cpu:0"); Model a = model("extra").build(d, 1); Model b = model("extra").build(d, 2);
                Model lenet = MnistModels.build("lenet").build(d, 3)) {
            randomize(a, 5);
            Path f = dir.resolve("a.safetensors");
            StateDict.save(a, f);
            StateDict.load(b, f);
            for (int i = 0; i < a.parameters().size(); i++) {
                assertArrayEquals(a.parameters().get(i).value().toFloatArray(), b.parameters().get(i).value().toFloatArray(), a.parameters().get(i).name());
            }
            float[] before = lenet.parameters().getFirst().value().toFloatArray();
            CheckpointException e = assertThrows(CheckpointException.class, () -> StateDict.load(lenet, f));
            assertTrue(e.getMessage().contains("unknown tensor 'conv.weight'") && e.getMessage().contains("no tensor '0.weight'"), e.getMessage());
            assertArrayEquals(before, lenet.parameters().getFirst().value().toFloatArray());
            Path wrong = dir.resolve("wrong.safetensors");
            List<SafeTensors.Named> t = new ArrayList<>();
            StateDict.names(lenet).forEach((k, s) -> t.add(new SafeTensors.Named(k, k.equals("7.weight") ? new int[] {400, 120} : s,
                    new float[Math.toIntExact(Tensor.size(s))])));
            SafeTensors.write(wrong, t, Map.of());
            e = assertThrows(CheckpointException.class, () -> StateDict.load(lenet, wrong));
            assertTrue(e.getMessage().contains("'7.weight' is F32 [400, 120], the model needs F32 [120, 400]"), e.getMessage());
        }
    }

    /** Standard output of a process that exits 0 in time, else null (its error output is printed). */
    static String run(List<String> command, int seconds) throws Exception {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        } catch (java.io.IOException absent) {
            return null;
        }
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return null;
        }
        return p.exitValue() == 0 ? new String(out, StandardCharsets.UTF_8) : null;
    }
}
