package io.neurite.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The six cuBLAS entry points the backend needs, bound through the Java FFM API: JCublas has no
 * build for CUDA 13 (none on Maven Central, none announced), and GPU machines with only CUDA 13 are
 * where new hardware lives. The same C API is in {@code libcublas.so.13} and {@code .so.12}, so one
 * binding serves both. Found, in order, at {@code -Dneurite.cuda.cublas=PATH}, {@code NEURITE_CUBLAS},
 * on the library path (the dynamic loader's own search), or in an installed PyTorch's
 * {@code nvidia/cublas/lib}. Loading shares the process with the driver API: cuBLAS attaches to the
 * context current on the calling thread, the device's primary context.
 */
final class CublasLibrary {
    static final String PROPERTY = "neurite.cuda.cublas";
    static final String ENV = "NEURITE_CUBLAS";
    private static final List<String> SONAMES = List.of("libcublas.so.13", "libcublas.so.12");

    final String path;
    final MethodHandle create, destroy, setStream, setMathMode, sgemm, sgemmStridedBatched;

    private CublasLibrary(String path, SymbolLookup lib) {
        this.path = path;
        Linker linker = Linker.nativeLinker();
        ValueLayout.OfInt i = ValueLayout.JAVA_INT;
        ValueLayout.OfLong l = ValueLayout.JAVA_LONG;
        java.lang.foreign.AddressLayout p = ValueLayout.ADDRESS;
        create = bind(linker, lib, "cublasCreate_v2", FunctionDescriptor.of(i, p));
        destroy = bind(linker, lib, "cublasDestroy_v2", FunctionDescriptor.of(i, p));
        setStream = bind(linker, lib, "cublasSetStream_v2", FunctionDescriptor.of(i, p, p));
        setMathMode = bind(linker, lib, "cublasSetMathMode", FunctionDescriptor.of(i, p, i));
        sgemm = bind(linker, lib, "cublasSgemm_v2", FunctionDescriptor.of(i, p, i, i, i, i, i, p, p, i, p, i, p, p, i));
        sgemmStridedBatched = bind(linker, lib, "cublasSgemmStridedBatched",
                FunctionDescriptor.of(i, p, i, i, i, i, i, p, p, i, l, p, i, l, p, p, i, l, i));
    }

    private static MethodHandle bind(Linker linker, SymbolLookup lib, String name, FunctionDescriptor d) {
        MemorySegment symbol = lib.find(name).orElseThrow(() -> new IllegalStateException("it has no " + name));
        return linker.downcallHandle(symbol, d);
    }

    /** The library, or why none was usable: each place looked at and what happened there. */
    record Found(CublasLibrary library, List<String> refusals) {
        String why() {
            return String.join("; ", refusals);
        }
    }

    /** Looks for cuBLAS where the class comment says, loading the first that binds. */
    static Found locate() {
        List<String> refusals = new ArrayList<>();
        String forced = System.getProperty(PROPERTY, "").strip();
        if (forced.isEmpty()) forced = Optional.ofNullable(System.getenv(ENV)).orElse("").strip();
        if (!forced.isEmpty()) {
            CublasLibrary lib = open(forced, refusals);
            return new Found(lib, refusals);
        }
        for (String so : SONAMES) {
            CublasLibrary lib = open(so, refusals);
            if (lib != null) return new Found(lib, refusals);
        }
        for (Path dir : torchLibraryDirs()) {
            for (String so : SONAMES) {
                Path f = dir.resolve(so);
                if (!Files.isRegularFile(f)) continue;
                CublasLibrary lib = open(f.toString(), refusals);
                if (lib != null) return new Found(lib, refusals);
            }
        }
        refusals.add("no PyTorch nvidia/cublas/lib under the usual site-packages folders");
        return new Found(null, refusals);
    }

    /** Loads one file or soname for the life of the process; null, with the reason added, when it does not bind. */
    static CublasLibrary open(String name, List<String> refusals) {
        try {
            SymbolLookup lib = name.contains("/") ? SymbolLookup.libraryLookup(Path.of(name), Arena.global())
                    : SymbolLookup.libraryLookup(name, Arena.global());
            return new CublasLibrary(name, lib);
        } catch (IllegalArgumentException e) {
            refusals.add(name + ": " + (name.contains("/") ? "cannot be loaded" : "not found on the library path") + " ("
                    + e.getMessage() + ")");
        } catch (IllegalStateException e) {
            refusals.add(name + ": " + e.getMessage());
        }
        return null;
    }

    /**
     * nvidia/cublas/lib of PyTorch installations (pip wheels put cuBLAS there): under the prefix of
     * an active virtual environment, of each python3 on the PATH (a venv such as /opt/torch/.venv),
     * and the usual system and user prefixes.
     */
    private static List<Path> torchLibraryDirs() {
        List<Path> roots = new ArrayList<>();
        String venv = System.getenv("VIRTUAL_ENV");
        if (venv != null && !venv.isBlank()) roots.add(Path.of(venv, "lib"));
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(java.io.File.pathSeparator)) {
                if (dir.isBlank() || !Files.isExecutable(Path.of(dir, "python3"))) continue;
                Path parent = Path.of(dir).toAbsolutePath().getParent();
                if (parent != null) roots.add(parent.resolve("lib"));
            }
        }
        roots.addAll(List.of(Path.of("/usr/lib"), Path.of("/usr/local/lib"), Path.of("/opt/conda/lib")));
        String home = System.getProperty("user.home");
        if (home != null) roots.add(Path.of(home, ".local", "lib"));
        List<Path> found = new ArrayList<>();
        for (Path root : roots.stream().distinct().toList()) {
            if (!Files.isDirectory(root)) continue;
            try (Stream<Path> pythons = Files.list(root)) {
                for (Path py : pythons.filter(p -> p.getFileName().toString().startsWith("python3")).sorted().toList()) {
                    for (String site : List.of("site-packages", "dist-packages")) {
                        Path dir = py.resolve(site).resolve("nvidia/cublas/lib");
                        if (Files.isDirectory(dir) && !found.contains(dir)) found.add(dir);
                    }
                }
            } catch (java.io.IOException e) {
                // an unreadable prefix has no PyTorch for us
            }
        }
        return found;
    }
}
