package io.neurite.bench;

import java.util.Arrays;
import java.util.List;

/**
 * The bench command: {@code java --add-modules jdk.incubator.vector -jar neurite-bench.jar SUBCOMMAND}.
 * <ul>
 *   <li>{@code devices}: every backend, available or not with the reason, and each device</li>
 *   <li>{@code gemm --device D --n N [--json FILE]}: square SGEMM, median GFLOP/s</li>
 *   <li>{@code conv --device D [--json FILE]}: LeNet-5 and a 64-channel 3x3 layer, forward and backward</li>
 *   <li>{@code mnist [--model mlp|lenet] ...}: the main job: train on MNIST, report images/s and accuracy</li>
 * </ul>
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] argv) {
        if (argv.length == 0 || argv[0].equals("--help") || argv[0].equals("help")) {
            System.out.println(USAGE);
            return;
        }
        List<String> rest = Arrays.asList(argv).subList(1, argv.length);
        int rc;
        try {
            rc = switch (argv[0]) {
                case "devices" -> DevicesCommand.run(rest);
                case "gemm" -> GemmCommand.run(rest);
                case "conv" -> ConvCommand.run(rest);
                case "mnist" -> MnistCommand.run(rest);
                default -> {
                    System.err.println("unknown subcommand '" + argv[0] + "'\n" + USAGE);
                    yield 2;
                }
            };
        } catch (IllegalArgumentException | java.io.IOException | io.neurite.device.DeviceException e) {
            System.err.println("error: " + e.getMessage());
            rc = 2;
        } catch (RuntimeException e) {
            System.err.println("error: " + e);
            e.printStackTrace();
            rc = 1;
        }
        System.exit(rc);
    }

    static final String USAGE = """
            usage: java --add-modules jdk.incubator.vector -jar neurite-bench.jar SUBCOMMAND [options]
              devices                          list every backend and device, or why a backend is missing
              gemm --device D --n N [--json F] square SGEMM: median GFLOP/s, checked against the CPU
              conv --device D [--json F]       LeNet-5 layer shapes and a 64-channel 3x3 on 56x56, forward and backward
              mnist [--model mlp|lenet] [--device D] [--epochs N] [--batch B] [--lr LR] [--optimizer O]
                    [--data DIR] [--seed S] [--json F]
                                               train on MNIST (embedded t10k 8,000/2,000 by default), report img/s and accuracy
            """;
}
