package io.neurite.cuda;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Loads JCuda's driver binding ({@code libJCudaDriver-12.6.0-<os>-<arch>}) once per JVM, safely
 * when several JVMs start at once.
 *
 * <p>The hazard: JCuda's {@code LibUtils} first tries {@code System.loadLibrary} (so a copy on
 * {@code java.library.path} wins), then extracts the library from its jar into
 * {@code java.io.tmpdir} under a fixed name, writing the file only if it does not exist yet. Two
 * processes starting together can thus load a half-written file, and a leftover truncated file
 * breaks every later start. So the first touch of {@code JCudaDriver} happens here, with
 * {@code java.io.tmpdir} pointed for that moment at a directory of this process's own; the file
 * is deleted again once loaded (Linux keeps the mapping). The property is restored at once;
 * another thread reading it during those few milliseconds would see a valid private directory.
 *
 * <p>Without libcuda the first touch throws {@link UnsatisfiedLinkError} and every later one
 * {@link NoClassDefFoundError}: the first error is kept and returned on every call, so callers
 * never touch the class twice.
 */
final class CudaNatives {
    private static boolean tried;
    private static LinkageError failure;

    private CudaNatives() {
    }

    /** Loads the driver binding if not done yet; null when it loaded, else why not (the same error every time). */
    static synchronized LinkageError loadDriver() {
        if (!tried) {
            tried = true;
            failure = touch("jcuda.driver.JCudaDriver");
        }
        return failure;
    }

    private static LinkageError touch(String className) {
        String tmp = System.getProperty("java.io.tmpdir");
        Path own = null;
        try {
            own = Files.createTempDirectory("neurite-jcuda-");
            System.setProperty("java.io.tmpdir", own.toString());
        } catch (IOException | SecurityException e) {
            // no private directory: JCuda extracts into the shared one, as it would on its own
        }
        try {
            Class.forName(className, true, CudaNatives.class.getClassLoader());
            return null;
        } catch (LinkageError e) {
            return e;
        } catch (ClassNotFoundException e) {
            return new NoClassDefFoundError("the JCuda jar (org.jcuda:jcuda) is not on the class path: " + e.getMessage());
        } finally {
            if (own != null) {
                System.setProperty("java.io.tmpdir", tmp);
                deleteQuietly(own);
            }
        }
    }

    /** Deletes dir and what JCuda wrote into it; what cannot go now (a loaded library on Windows) goes at exit. */
    private static void deleteQuietly(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    p.toFile().deleteOnExit();
                }
            });
        } catch (IOException e) {
            dir.toFile().deleteOnExit();
        }
    }

    /** The verdict in words: "libcuda.so.1 not found ..." or the loader's own first line. */
    static String reason(LinkageError e) {
        String all = describe(e);
        if (all.contains("libcuda.so") || all.contains("nvcuda.dll")) {
            return "libcuda.so.1 not found (no NVIDIA driver installed)";
        }
        if (e instanceof NoClassDefFoundError && all.contains("class path")) return all;
        String first = all.lines().filter(l -> !l.isBlank()).findFirst().orElse(e.getClass().getName());
        return "JCuda's native library could not be loaded: " + first;
    }

    /** Messages of e and its causes (LibUtils nests the dlopen error deep in a multi-line message). */
    private static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) sb.append(t.getMessage()).append('\n');
        return sb.toString();
    }
}
