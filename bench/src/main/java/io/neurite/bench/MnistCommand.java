package io.neurite.bench;

import io.neurite.checkpoint.Checkpoint;
import io.neurite.checkpoint.ModelCheckpoint;
import io.neurite.checkpoint.ModelJson;
import io.neurite.checkpoint.TrainingState;
import io.neurite.data.Augmenter;
import io.neurite.data.Mnist;
import io.neurite.data.MnistDownload;
import io.neurite.device.Device;
import io.neurite.device.Devices;
import io.neurite.distributed.DataParallel;
import io.neurite.nn.Model;
import io.neurite.optim.Adadelta;
import io.neurite.optim.Adagrad;
import io.neurite.optim.Adam;
import io.neurite.optim.Optimizer;
import io.neurite.optim.RMSprop;
import io.neurite.optim.SGD;
import io.neurite.train.Callback;
import io.neurite.train.FitOptions;
import io.neurite.train.History;
import io.neurite.train.Loss;
import io.neurite.train.Trainer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code bench mnist}: trains an MNIST model on a device and reports training and inference
 * images/s and evaluation accuracy. With no {@code --data}, it uses the embedded official test
 * set (the first 8,000 images train, the last 2,000 evaluate).
 */
final class MnistCommand {
    private MnistCommand() {
    }

    static int run(List<String> argv) throws IOException {
        Args a = new Args("mnist", argv, Set.of("--model", "--device", "--devices", "--epochs", "--batch", "--lr", "--optimizer", "--data",
                "--seed", "--json", "--plot", "--save", "--resume", "--warmup", "--export-onnx"), Set.of("--download", "--augment", "--profile"));
        // Before minutes of training, not after.
        if (a.get("--json", null) != null) OutputFiles.checkWritable("--json", Path.of(a.get("--json", null)));
        if (a.get("--plot", null) != null) OutputFiles.checkWritable("--plot", Path.of(a.get("--plot", null)));
        if (a.get("--save", null) != null) OutputFiles.checkDirectory("--save", Path.of(a.get("--save", null)));
        if (a.get("--export-onnx", null) != null) OutputFiles.checkWritable("--export-onnx", Path.of(a.get("--export-onnx", null)));
        Path resume = a.get("--resume", null) == null ? null : Path.of(a.get("--resume", null));
        // A resumed run takes its model, optimiser, batch and seed from the checkpoint unless told otherwise.
        TrainingState resumed = resume == null ? null : Checkpoint.readTrainingState(resume);
        String savedModel = resumed == null ? null : resumed.notes().get("model");
        String modelName = a.get("--model", savedModel != null ? savedModel : "lenet");
        if (savedModel != null && !savedModel.equals(modelName)) {
            throw new IllegalArgumentException("mnist: --model " + modelName + " does not match the checkpoint in " + resume + " (" + savedModel + ")");
        }
        MnistModels.Settings s = settings(modelName, resumed, resume);
        int epochs = a.getInt("--epochs", 3, 1), batch = a.getInt("--batch", s.batch(), 1);
        double warmup = warmup(a); // NaN: auto (WarmUp says what that does)
        if (!Double.isNaN(warmup) && !(warmup >= 0 && warmup <= 600)) {
            throw new IllegalArgumentException("mnist: --warmup must be auto or 0 to 600 seconds, not " + a.get("--warmup", null));
        }
        float lr = a.getFloat("--lr", s.lr());
        if (!(lr > 0)) throw new IllegalArgumentException("mnist: --lr must be positive, not " + a.get("--lr", null));
        String optName = a.get("--optimizer", s.optimizer());
        long seed = a.get("--seed", null) == null && resumed != null ? resumed.seed() : a.getInt("--seed", 42);
        Mnist.Split data = a.flag("--download") ? Mnist.load(download(a.get("--data", null)))
                : a.get("--data", null) != null ? Mnist.load(Path.of(a.get("--data", null)))
                : Mnist.load(MnistCommand::embedded, "embedded MNIST t10k");
        System.out.println("data: " + data.description() + (a.get("--data", null) == null && !a.flag("--download")
                ? " (the embedded official MNIST test set: the first 8,000 images train, the last 2,000 evaluate)" : ""));
        if (batch > data.train().size()) {
            throw new IllegalArgumentException("mnist: --batch " + batch + " is larger than the " + data.train().size()
                    + " training samples; use at most " + data.train().size() + " (one batch of all of them)");
        }

        if (a.get("--device", null) != null && a.get("--devices", null) != null) throw new IllegalArgumentException("mnist: --device or --devices, not both");
        List<Device> devices = a.get("--devices", null) == null ? null : DataParallel.devices(a.get("--devices", null));
        try (Device device = devices != null ? devices.getFirst() : a.get("--device", null) != null ? Devices.get(a.get("--device", null)) : Devices.best();
             Model model = model(modelName, resume, device, seed);
             Optimizer opt = optimizer(optName, lr);
             Closeables others = new Closeables(devices)) {
            System.out.println("device: " + device);
            System.out.print(model.summary());
            List<Double> rates = new ArrayList<>();
            Callback timer = new Callback() {
                long t0;

                @Override
                public void onEpochBegin(Trainer t, int epoch) {
                    t0 = System.nanoTime();
                }

                @Override
                public void onEpochEnd(Trainer t, int epoch, Map<String, Double> logs) {
                    device.synchronize();
                    rates.add(data.train().size() / ((System.nanoTime() - t0) / 1e9));
                }
            };
            FitOptions fit = new FitOptions().batchSize(batch).epochs(epochs).seed(seed).callbacks(timer);
            if (resume != null) resume(resume, model, opt, fit, epochs);
            if (a.get("--save", null) != null) {
                fit.callbacks(new ModelCheckpoint(Path.of(a.get("--save", null)))
                        .notes(Map.of("model", modelName, "optimizer", optName, "lr", Float.toString(lr))));
                System.out.println("checkpoints: " + a.get("--save", null) + " (model.json, weights.safetensors, optimizer.safetensors,"
                        + " training.json after each epoch)");
            }
            if (a.flag("--augment")) {
                fit.batchTransform(Augmenter.mnistDefault()::apply);
                System.out.println("augmentation: rotation 10 degrees, shifts 0.1, zoom 0.1 (training batches only, seeded by --seed)");
            }
            // Last, so the timer has stopped before it evaluates the test set for the validation curves.
            Plot.Recorder curves = a.get("--plot", null) == null ? null : new Plot.Recorder(Path.of(a.get("--plot", null)), data.test());
            if (curves != null) fit.callbacks(curves);
            DataParallel parallel = devices == null ? null : others.add(new DataParallel(model, opt, Loss.sparseCategoricalCrossentropy().fromLogits(), devices));
            Trainer trainer = parallel != null ? parallel.trainer() : new Trainer(model, opt, Loss.sparseCategoricalCrossentropy().fromLogits());
            if (parallel != null) System.out.println("data-parallel: " + parallel.replicas().size() + " replicas on " + a.get("--devices", null));
            WarmUp.Result warmedUp = WarmUp.run(warmup, () -> model(modelName, resume, device, seed + 1), () -> optimizer(optName, lr), batch, data.train());
            ProfileReport profile = a.flag("--profile") ? new ProfileReport(device, opt.iterations()) : null;
            History h = fit(trainer, data.train(), fit);
            Map<String, Object> profiled = profile == null ? null : profile.finish(opt.iterations());
            Map<String, Double> eval = trainer.evaluate(data.test(), 256);
            List<Double> evalTimes = inferencePasses(trainer, data.test(), device);
            double trainRate = Stats.median(rates.size() > 1 ? rates.subList(1, rates.size()) : rates);
            // the later half: the passes before it still ran inference code the JIT had not finished
            double evalRate = data.test().size() / Stats.median(evalTimes.subList(evalTimes.size() / 2, evalTimes.size()));
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("device", device.id());
            result.put("device_description", device.description());
            if (parallel != null) Closeables.describe(parallel, result);
            result.put("model", modelName);
            result.put("split", data.description());
            result.put("epochs", epochs);
            result.put("batch", batch);
            result.put("optimizer", optName);
            result.put("lr", (double) lr);
            result.put("seed", seed);
            result.put("warmup_seconds", warmedUp.seconds());
            result.put("warmup_rounds_seconds", warmedUp.rounds());
            result.put("train_images_per_sec", trainRate);
            result.put("train_images_per_sec_by_epoch", rates);
            result.put("eval_images_per_sec", evalRate);
            result.put("eval_passes", evalTimes.size());
            result.put("eval_accuracy", eval.get("accuracy"));
            result.put("eval_loss", eval.get("loss"));
            result.put("train_loss_by_epoch", h.get("loss"));
            result.put("peak_heap_mib", peakHeapMib());
            result.put("native_mib", nativeMib());
            if (profiled != null) result.put("profile", profiled);
            printTable(result);
            if (a.get("--json", null) != null) OutputFiles.writeJson(a.get("--json", null), result);
            if (a.get("--export-onnx", null) != null) {
                io.neurite.onnx.OnnxExport.write(model, Path.of(a.get("--export-onnx", null)));
                System.out.println("onnx: " + a.get("--export-onnx", null) + " (opset " + io.neurite.onnx.OnnxExport.OPSET + ")");
            }
            if (curves != null) {
                curves.write(modelName + " on " + device.id());
                System.out.println("plot: " + a.get("--plot", null));
            }
        }
        return 0;
    }

    /** Timed passes for the inference figure: at least 5, and at least this long in all. */
    static final double INFERENCE_SECONDS = 0.25;

    /**
     * The seconds of each timed evaluation pass over the test set: at least 5 passes and
     * {@link #INFERENCE_SECONDS}, at most 200. The warm-up's evaluations are a few batches a pass,
     * so the inference code was still being compiled in the first passes after training: the
     * MLP's 2,000 images take 4-5 ms a pass, and five passes measured 267,000-333,000 images/s
     * where a steady loop ran at 450,000-500,000. The rate is taken over the later half.
     */
    private static List<Double> inferencePasses(Trainer trainer, io.neurite.data.Dataset test, Device device) {
        List<Double> times = new ArrayList<>();
        long start = System.nanoTime();
        while (times.size() < 5 || (System.nanoTime() - start < INFERENCE_SECONDS * 1e9 && times.size() < 200)) {
            long t0 = System.nanoTime();
            trainer.evaluate(test, 256);
            device.synchronize();
            times.add((System.nanoTime() - t0) / 1e9);
        }
        return times;
    }

    /** --warmup: auto (NaN) or seconds. */
    private static double warmup(Args a) {
        if ("auto".equals(a.get("--warmup", "auto"))) return Double.NaN;
        try {
            return a.getDouble("--warmup", Double.NaN);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + ", or auto");
        }
    }

    /** The built model: --model's (an ONNX file imported with its weights), or the checkpoint's when resuming. */
    private static Model model(String name, Path resume, Device device, long seed) throws IOException {
        if (resume != null || !name.endsWith(".onnx")) return architecture(name, resume).build(device, seed);
        Model m = io.neurite.onnx.OnnxImport.read(Path.of(name), device);
        if (!java.util.Arrays.equals(m.inputShape(), new int[] {1, 28, 28}) || !java.util.Arrays.equals(m.outputShape(), new int[] {10})) {
            String shapes = java.util.Arrays.toString(m.inputShape()) + " to " + java.util.Arrays.toString(m.outputShape());
            m.close();
            throw new IllegalArgumentException("mnist: " + name + " maps " + shapes + " per sample; MNIST needs [1, 28, 28] images to [10] logits");
        }
        return m;
    }

    /** The model of --model (mlp, lenet or a model JSON file), or the checkpoint's when resuming. */
    private static Model architecture(String name, Path resume) throws IOException {
        if (resume != null) return Checkpoint.readModel(resume);
        if (name.endsWith(".json")) return ModelJson.read(Path.of(name));
        return MnistModels.build(name);
    }

    /** Batch, optimiser and rate: a checkpoint's, else the named model's, else (a JSON model) Adam 1e-3 with batch 64. */
    private static MnistModels.Settings settings(String model, TrainingState resumed, Path resume) {
        if (resumed != null && resumed.notes().containsKey("optimizer") && resumed.notes().containsKey("lr")) {
            String lr = resumed.notes().get("lr");
            try {
                float f = Float.parseFloat(lr);
                if (f > 0 && f < Float.POSITIVE_INFINITY) return new MnistModels.Settings(resumed.batchSize(), resumed.notes().get("optimizer"), f);
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException("mnist: " + resume.resolve(Checkpoint.TRAINING) + ": notes \"lr\": \"" + lr
                    + "\", which is not a positive finite learning rate");
        }
        return model.endsWith(".json") || model.endsWith(".onnx") ? new MnistModels.Settings(64, "adam", 1e-3f) : MnistModels.defaults(model);
    }

    /** --resume: weights, optimiser state, epoch and generators from the checkpoint; fit continues where it stopped. */
    private static void resume(Path dir, Model model, Optimizer opt, FitOptions fit, int epochs) throws IOException {
        boolean full = Checkpoint.hasTrainingState(dir);
        TrainingState st = Checkpoint.restore(dir, model, full ? opt : null);
        if (st == null) {
            System.out.println("resumed: weights from " + dir + " (no training state saved: training starts at epoch 1)");
            return;
        }
        fit.initialEpoch(st.epoch());
        System.out.println("resumed: " + dir + " after epoch " + st.epoch() + (st.epoch() >= epochs ? "; --epochs " + epochs
                + " are done already (--epochs counts from the start)" : ", continuing with epoch " + (st.epoch() + 1) + " of " + epochs));
    }

    /** Trains; a failed checkpoint save (an I/O error inside a callback) ends the run with its one-line reason. */
    private static History fit(Trainer trainer, io.neurite.data.Dataset train, FitOptions fit) throws IOException {
        try {
            return trainer.fit(train, fit);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** --download: the four files into DIR, or the cache directory, verified; returns where they are. */
    private static Path download(String dir) throws IOException {
        return new MnistDownload(dir != null ? Path.of(dir) : MnistDownload.defaultDirectory()).log(System.out).fetch();
    }

    static InputStream embedded(String stem) {
        return MnistCommand.class.getResourceAsStream("/mnist/" + stem + ".gz");
    }

    static Optimizer optimizer(String name, float lr) {
        return switch (name) {
            case "sgd" -> new SGD(lr);
            case "momentum" -> new SGD(lr, 0.9f, false);
            case "nesterov" -> new SGD(lr, 0.9f, true);
            case "adam" -> new Adam(lr);
            case "rmsprop" -> new RMSprop(lr);
            case "adagrad" -> new Adagrad(lr);
            case "adadelta" -> new Adadelta(lr);
            default -> throw new IllegalArgumentException("unknown optimizer '" + name + "': sgd, momentum, nesterov, adam, rmsprop, adagrad, adadelta");
        };
    }

    private static double peakHeapMib() {
        long peak = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP && p.getPeakUsage() != null) peak += p.getPeakUsage().getUsed();
        }
        return peak / 1048576.0;
    }

    private static double nativeMib() {
        long used = 0;
        for (BufferPoolMXBean b : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) used += b.getMemoryUsed();
        return used / 1048576.0;
    }

    private static void printTable(Map<String, Object> r) {
        System.out.println();
        System.out.printf("%-10s %-7s %6s %6s %14s %14s %9s %10s %10s%n", "device", "model", "epochs", "batch", "train img/s",
                "infer img/s", "accuracy", "peak heap", "native");
        System.out.printf("%-10s %-7s %6d %6d %14.0f %14.0f %8.2f%% %7.0f MiB %6.1f MiB%n", r.get("device"), r.get("model"),
                (Integer) r.get("epochs"), (Integer) r.get("batch"), (Double) r.get("train_images_per_sec"),
                (Double) r.get("eval_images_per_sec"), 100 * (Double) r.get("eval_accuracy"), (Double) r.get("peak_heap_mib"),
                (Double) r.get("native_mib"));
    }
}
