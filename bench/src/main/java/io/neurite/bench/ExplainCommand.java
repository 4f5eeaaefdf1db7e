package io.neurite.bench;

import io.neurite.checkpoint.Checkpoint;
import io.neurite.checkpoint.ModelJson;
import io.neurite.data.Dataset;
import io.neurite.data.Mnist;
import io.neurite.device.Device;
import io.neurite.device.Devices;
import io.neurite.explain.GradCam;
import io.neurite.nn.Conv2d;
import io.neurite.nn.Model;
import io.neurite.nn.Node;
import io.neurite.optim.Optimizer;
import io.neurite.train.FitOptions;
import io.neurite.train.Loss;
import io.neurite.train.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code bench explain}: pictures of what an MNIST model does. Loads a {@code mnist --save}
 * checkpoint ({@code --weights DIR}) or trains the model briefly, then writes to {@code --out} a
 * PNG per method for the first N evaluation samples (saliency, gradient x input, SmoothGrad,
 * occlusion, Grad-CAM), each convolution's filters, feature maps and activation-maximising
 * inputs, the classes' maximising inputs, the confusion matrix, the most confidently
 * misclassified samples, and {@code index.md} saying what each file shows.
 */
final class ExplainCommand {
    private ExplainCommand() {
    }

    /** What the pictures are made from. */
    record Job(Model model, Dataset eval, int samples, Path out, String camLayer, int patch, int stride, long seed) {
        /** Every Conv2d's name, in order. */
        List<String> convolutions() {
            List<String> names = new ArrayList<>();
            for (Node n : model.nodes()) if (n.layer() instanceof Conv2d) names.add(n.layer().name());
            return names;
        }
    }

    static int run(List<String> argv) throws IOException {
        Args a = new Args("explain", argv, Set.of("--model", "--weights", "--data", "--samples", "--out", "--device", "--seed", "--epochs",
                "--layer", "--patch", "--stride"), Set.of());
        int samples = a.getInt("--samples", 8, 1), epochs = a.getInt("--epochs", 1, 0);
        int patch = a.getInt("--patch", 4, 1), stride = a.getInt("--stride", 1, 1);
        long seed = a.getInt("--seed", 42);
        Path out = Path.of(a.get("--out", "explain"));
        if (Files.exists(out) && !Files.isDirectory(out)) throw new IOException("--out " + out + ": is a file, not a directory");
        OutputFiles.checkWritable("--out", out.resolve("index.md"));
        Path weights = a.get("--weights", null) == null ? null : Path.of(a.get("--weights", null));
        if (weights != null && !Files.isDirectory(weights)) throw new IOException("--weights " + weights + ": not a directory (a checkpoint that mnist --save wrote)");
        String modelName = a.get("--model", "lenet");
        Model unbuilt = weights != null ? Checkpoint.readModel(weights)
                : modelName.endsWith(".json") ? ModelJson.read(Path.of(modelName)) : MnistModels.build(modelName);
        Mnist.Split data = a.get("--data", null) != null ? Mnist.load(Path.of(a.get("--data", null)))
                : Mnist.load(stem -> ExplainCommand.class.getResourceAsStream("/mnist/" + stem + ".gz"), "embedded MNIST t10k");
        if (data.test().size() == 0) throw new IllegalArgumentException("explain: the evaluation data set (" + data.description() + ") is empty");
        if (samples > data.test().size()) {
            throw new IllegalArgumentException("explain: --samples " + samples + " is more than the " + data.test().size() + " evaluation samples");
        }
        try (Device device = a.get("--device", null) != null ? Devices.get(a.get("--device", null)) : Devices.best();
             Model model = unbuilt.build(device, seed)) {
            String camLayer = a.get("--layer", null);
            // Bad names before minutes of training: the layer must exist and be a convolution.
            if (camLayer != null) GradCam.map(model, java.util.Arrays.copyOf(data.test().features(), data.test().sampleLength()), null, camLayer);
            System.out.println("device: " + device);
            System.out.println("data: " + data.description());
            if (weights != null) {
                Checkpoint.loadWeights(model, weights.resolve(Checkpoint.WEIGHTS));
                System.out.println("weights: " + weights.resolve(Checkpoint.WEIGHTS));
            } else if (epochs > 0) {
                train(model, modelName.endsWith(".json") ? "lenet" : modelName, data.train(), epochs, seed);
            }
            Job job = new Job(model, data.test(), samples, out, camLayer, patch, stride, seed);
            List<String[]> index = new ExplainPictures(job).writeAll();
            writeIndex(job, index, weights != null ? "the checkpoint in " + weights : epochs + " epoch(s) of training in this run");
            System.out.println("wrote " + (index.size() + 1) + " files to " + out.toAbsolutePath().normalize() + " (index.md lists them)");
        }
        return 0;
    }

    private static void train(Model model, String name, Dataset train, int epochs, long seed) {
        MnistModels.Settings s = MnistModels.defaults(name);
        try (Optimizer opt = MnistCommand.optimizer(s.optimizer(), s.lr())) {
            long t0 = System.nanoTime();
            new Trainer(model, opt, Loss.sparseCategoricalCrossentropy().fromLogits())
                    .fit(train, new FitOptions().batchSize(s.batch()).epochs(epochs).seed(seed).verbose(0));
            System.out.printf("trained %d epoch(s) on %,d images in %.1f s (no --weights given)%n", epochs, train.size(), (System.nanoTime() - t0) / 1e9);
        }
    }

    private static void writeIndex(Job job, List<String[]> files, String weights) throws IOException {
        StringBuilder b = new StringBuilder("# What the model sees\n\n");
        b.append("Model: ").append(job.model().layers().size()).append(" layers on ").append(job.model().device().id())
                .append(", weights from ").append(weights).append("; the first ").append(job.samples())
                .append(" evaluation samples. Every panel is scaled to its own range (its colour scale says which).\n\n");
        b.append("| file | what it shows |\n|---|---|\n");
        for (String[] f : files) b.append("| [").append(f[0]).append("](").append(f[0]).append(") | ").append(f[1].replace("|", "\\|")).append(" |\n");
        io.neurite.io.AtomicFiles.write(job.out().resolve("index.md"), tmp -> Files.writeString(tmp, b.toString()));
    }
}
