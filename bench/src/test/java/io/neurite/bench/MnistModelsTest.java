package io.neurite.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurite.data.Dataset;
import io.neurite.data.Mnist;
import io.neurite.device.Device;
import io.neurite.device.Devices;
import io.neurite.nn.Model;
import io.neurite.optim.Optimizer;
import io.neurite.train.FitOptions;
import io.neurite.train.History;
import io.neurite.train.Loss;
import io.neurite.train.Trainer;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The built-in models added for the CPU speed work (VGG-style, row-GRU): each builds with the
 * parameter count of its PyTorch twin and learns on a few batches of real MNIST with its default
 * settings (the loss of the last epoch well under the first's). Their speed is measured with
 * {@code bench mnist --model vgg|gru}, not here.
 */
class MnistModelsTest {
    @Test
    void theVggStyleModelBuildsAndLearns() throws IOException {
        // 32*9+32, 32*288+32, 64*288+64, 64*576+64, 3136*256+256, 256*10+10
        buildsAndLearnsOnAFewBatches("vgg", 870_634, 4, 4);
    }

    @Test
    void theRowGruBuildsAndLearns() throws IOException {
        // 3*(28*128 + 128*128 + 2*128) + 128*10 + 10: PyTorch's nn.GRU(28, 128) and Linear(128, 10)
        // slower to start than the CNN: more batches (still about a second)
        buildsAndLearnsOnAFewBatches("gru", 61_962, 16, 5);
    }

    private static void buildsAndLearnsOnAFewBatches(String name, long params, int batches, int epochs) throws IOException {
        MnistModels.Settings s = MnistModels.defaults(name);
        Mnist.Split data = Mnist.load(stem -> MnistModelsTest.class.getResourceAsStream("/mnist/" + stem + ".gz"), "embedded MNIST t10k");
        Dataset few = data.train().slice(0, batches * s.batch());
        try (Device device = Devices.get("cpu:0");
             Model model = MnistModels.build(name).build(device, 42);
             Optimizer opt = MnistCommand.optimizer(s.optimizer(), s.lr())) {
            assertEquals(params, model.parameters().stream().mapToLong(p -> p.value().size()).sum(), name + ":\n" + model.summary());
            Trainer trainer = new Trainer(model, opt, Loss.sparseCategoricalCrossentropy().fromLogits());
            History h = trainer.fit(few, new FitOptions().batchSize(s.batch()).epochs(epochs).seed(42));
            List<Double> loss = h.get("loss");
            assertTrue(loss.getLast() < 0.8 * loss.getFirst(), name + " did not learn on " + batches + " batches: " + loss);
        }
    }
}
