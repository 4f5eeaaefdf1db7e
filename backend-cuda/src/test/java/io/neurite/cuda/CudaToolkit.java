package io.neurite.cuda;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Finds CUDA toolkit programs (nvcc, ptxas) for the tests that use them when present, and runs them. */
final class CudaToolkit {
    private CudaToolkit() {
    }

    /** tool on the PATH, else next to nvcc (resolving its links), else in /usr/local/cuda*\/bin. */
    static Optional<Path> find(String tool) {
        List<Path> candidates = new ArrayList<>();
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isEmpty()) candidates.add(Path.of(dir, tool));
        }
        for (Path c : List.copyOf(candidates)) {
            Path nvcc = c.resolveSibling("nvcc");
            if (Files.isExecutable(nvcc)) {
                try {
                    candidates.add(nvcc.toRealPath().resolveSibling(tool));
                } catch (IOException e) {
                    // a dangling link: skip it
                }
            }
        }
        try (var dirs = Files.list(Path.of("/usr/local"))) {
            dirs.filter(d -> d.getFileName().toString().startsWith("cuda")).sorted().forEach(d -> candidates.add(d.resolve("bin").resolve(tool)));
        } catch (IOException e) {
            // no /usr/local
        }
        return candidates.stream().filter(Files::isExecutable).findFirst();
    }

    /** The repository's root, from the module's working directory (backend-cuda) or the root itself. */
    static Optional<Path> repositoryRoot() {
        Path here = Path.of("").toAbsolutePath();
        for (Path p = here; p != null; p = p.getParent()) {
            if (Files.exists(p.resolve("kernels/generate-ptx.sh"))) return Optional.of(p);
        }
        return Optional.empty();
    }

    /** The result of a command: exit status and its output (stdout and stderr together). */
    record Result(int status, String output) {
    }

    static Result run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Result(-1, "timed out: " + command);
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
