package io.neurite.bench;

import io.neurite.device.DeviceException;
import io.neurite.device.DeviceInfo;
import io.neurite.device.Devices;
import io.neurite.train.TrainingDivergedException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The bench command: {@code java --add-modules jdk.incubator.vector -jar neurite-bench.jar SUBCOMMAND}.
 * <ul>
 *   <li>{@code devices}: every backend, available or not with the reason, and each device</li>
 *   <li>{@code gemm --device D --n N [--json FILE]}: square SGEMM, median GFLOP/s</li>
 *   <li>{@code conv --device D [--json FILE]}: LeNet-5 and a 64-channel 3x3 layer, forward and backward</li>
 *   <li>{@code mnist [--model mlp|lenet|lstm|gru|vgg|FILE.json|FILE.onnx] ...}: the main job: train on MNIST, report images/s and accuracy</li>
 *   <li>{@code summary --model mlp|lenet|lstm|gru|vgg|FILE.json}: the model summary</li>
 *   <li>{@code explain [--model M] [--weights DIR] ...}: saliency, occlusion, Grad-CAM, filters, feature maps and the confusion matrix as PNGs</li>
 *   <li>{@code onnx F.onnx [--device D]}: an ONNX file imported, as the model summary, or every node that does not import</li>
 *   <li>{@code spark [--model lenet,cnn] [--executors 1,2] ...}: data-parallel training on Spark's local-cluster, its costs and an estimate for 8 and 64 machines (Spark on the class path)</li>
 * </ul>
 * Bad input (a missing or corrupt file, a bad option value, an unknown model or device) ends with
 * one line on standard error, {@code error: REASON}, naming the file or option, and exit status 2;
 * a failure that is the program's fault ends with status 1 and one line too (the stack trace only
 * with {@code -Dneurite.trace=true}). Training that diverges (a NaN or infinite loss or weight, as a
 * too-high --lr gives) stops at once with one line naming the epoch, batch and layer, and status 3.
 */
public final class Main {
    /** The exit status of a run whose training diverged (a NaN or infinite loss or weight): neither bad input nor a bug. */
    static final int DIVERGED = 3;

    private Main() {
    }

    public static void main(String[] argv) {
        System.exit(run(argv, System.out, System.err));
    }

    /**
     * Runs one subcommand and returns the exit status. Usage goes to out and the one-line error
     * to err; the subcommands' own output (progress, tables) goes to System.out.
     */
    static int run(String[] argv, PrintStream out, PrintStream err) {
        if (argv.length == 0 || Arrays.stream(argv).anyMatch(a -> a.equals("--help") || a.equals("-h") || a.equals("help"))) {
            out.print(USAGE);
            return 0;
        }
        List<String> rest = Arrays.asList(argv).subList(1, argv.length);
        try {
            return switch (argv[0]) {
                case "devices" -> DevicesCommand.run(rest);
                case "gemm" -> GemmCommand.run(rest);
                case "conv" -> ConvCommand.run(rest);
                case "mnist" -> MnistCommand.run(rest);
                case "summary" -> SummaryCommand.run(rest);
                case "explain" -> ExplainCommand.run(rest);
                case "onnx" -> OnnxCommand.run(rest);
                case "augment" -> AugmentCommand.run(rest);
                case "spark" -> {
                    if (!sparkPresent()) {
                        err.println("error: spark needs Apache Spark on the class path (the bench jar leaves it out): java --add-modules"
                                + " jdk.incubator.vector -cp bench/target/neurite-bench.jar:$(cat bench/target/spark-classpath.txt)"
                                + " io.neurite.bench.Main spark, with SPARK_HOME, SPARK_SCALA_VERSION=2.13 and SPARK_LOCAL_IP=127.0.0.1 set");
                        yield 2;
                    }
                    yield SparkCommand.run(rest);
                }
                default -> {
                    err.println("error: unknown subcommand '" + argv[0] + "': use devices, gemm, conv, mnist, summary, explain, onnx or spark (--help lists their options)");
                    yield 2;
                }
            };
        } catch (TrainingDivergedException e) {
            err.println("error: " + reason(e));
            trace(e);
            return DIVERGED;
        } catch (IllegalArgumentException | IOException | UncheckedIOException | DeviceException e) {
            err.println("error: " + reason(e));
            trace(e);
            return 2;
        } catch (OutOfMemoryError e) {
            err.println("error: out of memory (" + e.getMessage() + "): give the JVM more with -Xmx, or use a smaller --batch");
            return 1;
        } catch (RuntimeException | LinkageError e) {
            err.println("error: internal error, please report it: " + oneLine(String.valueOf(e)) + at(e)
                    + " (-Dneurite.trace=true prints the stack trace)");
            trace(e);
            return 1;
        }
    }

    /** Whether Spark is on the class path: the bench jar runs everything else without it. */
    static boolean sparkPresent() {
        try {
            Class.forName("org.apache.spark.SparkContext", false, Main.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /** The user-facing reason for a failure, on one line. */
    static String reason(Throwable e) {
        if (e instanceof UncheckedIOException u && u.getCause() != null) return reason(u.getCause());
        // These carry the file and a terse reason (often none); spell both out.
        if (e instanceof FileSystemException f) {
            String what = f.getReason() != null ? f.getReason() : switch (f) {
                case NoSuchFileException _ -> "no such file or directory";
                case AccessDeniedException _ -> "permission denied";
                case FileAlreadyExistsException _ -> "already exists";
                case NotDirectoryException _ -> "not a directory";
                case DirectoryNotEmptyException _ -> "directory not empty";
                default -> f.getClass().getSimpleName();
            };
            return f.getFile() + (f.getOtherFile() != null ? " -> " + f.getOtherFile() : "") + ": " + what;
        }
        if (e instanceof DeviceException && e.getMessage() != null && e.getMessage().strip().contains("\n")) {
            // Devices' messages end with a table of every backend; on one line, the ids of the devices found are enough.
            String ids = Devices.list().stream().map(DeviceInfo::id).collect(Collectors.joining(", "));
            return e.getMessage().lines().findFirst().orElse("") + " Devices here: " + (ids.isEmpty() ? "none" : ids)
                    + " ('devices' says why the others are missing)";
        }
        return e.getMessage() == null || e.getMessage().isBlank() ? e.toString() : oneLine(e.getMessage());
    }

    /** Joins a message's lines, so that the reason stays one line. */
    private static String oneLine(String s) {
        return s.lines().map(String::strip).filter(l -> !l.isEmpty()).collect(Collectors.joining("; "));
    }

    /** Where an internal error was thrown, to make the one-line report useful. */
    private static String at(Throwable e) {
        StackTraceElement[] st = e.getStackTrace();
        return st.length == 0 ? "" : " at " + st[0];
    }

    private static void trace(Throwable e) {
        if (Boolean.getBoolean("neurite.trace")) e.printStackTrace();
    }

    static final String USAGE = """
            usage: java --add-modules jdk.incubator.vector -jar neurite-bench.jar SUBCOMMAND [options]
              devices                          list every backend and device, or why a backend is missing
              gemm --device D --n N [--json F] square SGEMM: median GFLOP/s, checked against the CPU
              conv --device D [--json F]       LeNet-5 layer shapes and a 64-channel 3x3 on 56x56, forward and backward
              summary [--model M] [--seed S]   the summary of model M (as mnist's --model), built on cpu:0
              onnx F.onnx [--device D]         an ONNX file imported: its model summary, or every node that does
                                               not import (name, op type, what is missing; exit status 2)
              augment --out DIR [--count N] [--seed S] [--data DIR]
                                               a full-size training set: the 8,000 training images of the t10k
                                               split and augmented copies (as mnist's --augment), N in all
                                               (60,000), and the 2,000 evaluation images, as IDX files for --data
              explain [options]                pictures of what an MNIST model sees, as PNGs and an index.md in --out
                --model mlp|lenet|F.json       the model to train briefly (default lenet), unless --weights is given
                --weights DIR                  a checkpoint that mnist --save wrote (model.json and weights)
                --data DIR, --device D, --seed S   as for mnist; --epochs N of training without --weights (1)
                --samples N                    evaluation samples to explain (8); --out DIR (explain)
                --layer NAME                   the convolution for Grad-CAM (the last one); --patch P --stride S
                                               of occlusion (4, 1)
              spark [options]                  data-parallel training on Spark's local-cluster (Spark on the class path,
                                               see the README): img/s, compute and exchange per step, bytes
                                               moved, and images/s estimated on 8 and 64 machines at 10 Gbit/s
                --model lenet,cnn              the models (both; cnn: Keras' MNIST convnet, 1.2M parameters)
                --executors 1,2                the cluster sizes, one executor JVM each (1,2)
                --steps N, --batch B           timed steps (30) and batch per executor (64); --device D (cpu:0)
              mnist [options]                  train on MNIST, then report device, img/s, accuracy and memory
                --model M                      mlp, lenet, lstm, gru, vgg, F.json (a model file as ModelJson
                                               writes) or F.onnx (an ONNX model imported with its weights,
                                               fine-tuned) (default lenet)
                --device D                     cpu:0, opencl:0, cuda:0... (default: the best device here)
                --epochs N                     epochs to train, counted from the start when resuming (default 3)
                --batch B                      batch size, 1 to the training-set size (default: mlp 32, vgg 128,
                                               the others 64)
                --lr LR                        learning rate (default: mlp 0.1, the others 0.001)
                --optimizer O                  sgd, momentum, nesterov, adam, rmsprop, adagrad, adadelta
                                               (default: mlp sgd, the others adam)
                --data DIR                     MNIST IDX files (gz or raw): train-* and t10k-* train on 60,000 and
                                               evaluate on 10,000; t10k-* alone split 8,000/2,000. Default: the
                                               embedded t10k files, split 8,000/2,000
                --download                     fetch the four files (checksums verified) into --data DIR, or into
                                               $NEURITE_HOME/datasets/mnist or ~/.neurite/datasets/mnist
                --augment                      random rotation 10 degrees, shifts 0.1, zoom 0.1 on training batches
                --profile                      after training, where a step's time went: host work, ops, kernel
                                               launches, uploads, downloads, waits (per step)
                --seed S                       weights, shuffling and augmentation (default 42)
                --warmup auto|SECONDS          train a throwaway copy of the model first, so the timed epochs run
                                               JIT-compiled code: until its rounds stop getting faster (auto, the
                                               default; at most 4 s), or this long; 0 skips it
                --save DIR                     checkpoint after each epoch: model.json, weights.safetensors,
                                               optimizer.safetensors, training.json
                --resume DIR                   continue from a --save checkpoint (model, optimiser, epoch, generators)
                --json F                       write the results as JSON (device, model, epochs, batch,
                                               train_images_per_sec, eval_images_per_sec, eval_accuracy, ...)
                --export-onnx F.onnx           write the trained model as ONNX (opset 17)
                --plot F.png                   loss and accuracy per epoch, training and validation, as a PNG
                                               (--json, --plot and --save are checked before training: a probe
                                               file is created, renamed and deleted where each will be written)
            exit status: 0 done; 2 bad input (one line, error: ...); 3 training diverged (a NaN or infinite
            loss or weight, named with its epoch, batch and layer: lower --lr); 1 a bug
            """;
}
