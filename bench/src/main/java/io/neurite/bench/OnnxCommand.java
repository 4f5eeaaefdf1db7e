package io.neurite.bench;

import io.neurite.device.Device;
import io.neurite.device.Devices;
import io.neurite.nn.Model;
import io.neurite.onnx.OnnxImport;
import io.neurite.onnx.Problem;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * {@code bench onnx F.onnx [--device D]}: imports an ONNX file and prints it as the Neurite model
 * summary (layers named after the ONNX values, output shapes, parameters), built on cpu:0 unless
 * told otherwise; or, when parts of it cannot be imported, every such node with its op type and
 * what is missing, one a line, and exit status 2.
 */
final class OnnxCommand {
    private OnnxCommand() {
    }

    static int run(List<String> argv) throws IOException {
        if (argv.isEmpty() || argv.getFirst().startsWith("--")) throw new IllegalArgumentException("onnx: give the file: onnx F.onnx [--device D]");
        Path file = Path.of(argv.getFirst());
        Args a = new Args("onnx", argv.subList(1, argv.size()), Set.of("--device"), Set.of());
        List<Problem> problems = OnnxImport.problems(file);
        if (!problems.isEmpty()) {
            System.out.println(file + ": " + problems.size() + (problems.size() == 1 ? " part does" : " parts do") + " not import:");
            for (Problem p : problems) System.out.println("  " + p);
            System.out.println("supported ONNX ops: " + String.join(", ", OnnxImport.supportedOps()));
            // Main prints it as the one error line, with bad input's exit status 2.
            throw new IllegalArgumentException(file + ": cannot import " + problems.size() + (problems.size() == 1 ? " part" : " parts") + " (listed above)");
        }
        try (Device d = Devices.get(a.get("--device", "cpu:0")); Model m = OnnxImport.read(file, d)) {
            System.out.println(file + ": imported on " + d.id() + ", input [batch, " + java.util.Arrays.toString(m.inputShape()).substring(1));
            System.out.print(m.summary());
        }
        return 0;
    }
}
