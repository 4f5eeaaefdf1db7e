package io.neurite.bench;

import io.neurite.checkpoint.ModelJson;
import io.neurite.device.Device;
import io.neurite.device.Devices;
import io.neurite.nn.Model;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * {@code bench summary --model mlp|lenet|lstm|gru|vgg|FILE.json [--seed S]}: the model summary the mnist
 * job prints (layers, output shapes, parameter counts), without data or training. The model is
 * built on cpu:0, which every build has, so the summary does not depend on the machine.
 */
final class SummaryCommand {
    private SummaryCommand() {
    }

    static int run(List<String> argv) throws IOException {
        Args a = new Args("summary", argv, Set.of("--model", "--seed"), Set.of());
        String name = a.get("--model", "lenet");
        Model unbuilt = name.endsWith(".json") ? ModelJson.read(Path.of(name)) : MnistModels.build(name);
        try (Device cpu = Devices.get("cpu:0"); Model model = unbuilt.build(cpu, a.getInt("--seed", 42))) {
            System.out.print(model.summary());
        }
        return 0;
    }
}
