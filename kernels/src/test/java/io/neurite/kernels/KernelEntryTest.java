package io.neurite.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@link KernelEntry} against the kernel sources: each program (the OpenCL files of sources.txt,
 * the files neurite.cu includes) defines exactly the entries the enum places in it, so a kernel
 * added to a source without an entry, or an entry left behind by a removed kernel, fails here.
 */
class KernelEntryTest {
    /** {@code KERNEL name(}, with CUDA's optional launch bounds between. */
    private static final Pattern KERNEL = Pattern.compile("(?m)^KERNEL\\s+(?:LAUNCH_BOUNDS\\([^)]*\\)\\s+)?(\\w+)\\s*\\(");
    private static final Pattern INCLUDE = Pattern.compile("(?m)^#include \"([^\"]+)\"");

    @Test
    void theOpenClProgramDefinesExactlyItsEntries() throws IOException {
        Set<String> defined = new TreeSet<>();
        for (String line : read("neurite/opencl/sources.txt").split("\n")) {
            String path = line.strip();
            if (!path.isEmpty() && !path.startsWith("#")) defined.addAll(kernels(read(path)));
        }
        assertEquals(entries(KernelEntry::inOpenCl), defined);
    }

    @Test
    void theCudaProgramsDefineExactlyTheirEntries() throws IOException {
        assertEquals(entries(KernelEntry::inCuda), cudaKernels("neurite/cuda/neurite.cu"));
        assertEquals(entries(KernelEntry::inCudaTf32), cudaKernels("neurite/cuda/neurite_tf32.cu"));
    }

    /** The kernels of the files a .cu includes. */
    private static Set<String> cudaKernels(String program) throws IOException {
        Set<String> defined = new TreeSet<>();
        Matcher m = INCLUDE.matcher(read(program));
        while (m.find()) {
            String path = Path.of("neurite/cuda").resolve(m.group(1)).normalize().toString().replace('\\', '/');
            defined.addAll(kernels(read(path)));
        }
        return defined;
    }

    private static Set<String> entries(Predicate<KernelEntry> in) {
        return new TreeSet<>(Arrays.stream(KernelEntry.values()).filter(in).map(KernelEntry::entry).toList());
    }

    private static Set<String> kernels(String source) {
        Set<String> names = new TreeSet<>();
        Matcher m = KERNEL.matcher(source);
        while (m.find()) names.add(m.group(1));
        return names;
    }

    private static String read(String path) throws IOException {
        try (InputStream in = KernelEntryTest.class.getClassLoader().getResourceAsStream(path)) {
            assertNotNull(in, path + " is not on the class path");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
