package io.neurite.opencl;

import io.neurite.device.DeviceException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The OpenCL program's source text, read from the {@code neurite-kernels} jar: the files that
 * {@value #MANIFEST} lists, in order, each preceded by a {@code #line} directive so that a build
 * log points at the file and line of the resource, not of the concatenation. Sources are read
 * from the class path (never from the file system), so they work inside any jar.
 */
final class KernelSources {
    /** The list of files that make up the program. */
    static final String MANIFEST = "neurite/opencl/sources.txt";
    private static String program;

    private KernelSources() {
    }

    /** The whole program, read once. */
    static synchronized String program() {
        if (program == null) {
            StringBuilder sb = new StringBuilder();
            for (String line : read(MANIFEST).split("\n")) {
                String path = line.strip();
                if (path.isEmpty() || path.startsWith("#")) continue;
                sb.append("#line 1 \"").append(path).append("\"\n").append(read(path)).append('\n');
            }
            program = sb.toString();
        }
        return program;
    }

    /** A resource as text; a missing one means the kernels jar is absent or stale. */
    static String read(String path) {
        try (InputStream in = KernelSources.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new DeviceException("OpenCL kernel source " + path + " is not on the class path "
                        + "(it ships in neurite-kernels; is that jar missing or from another version?)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read kernel source " + path, e);
        }
    }
}
