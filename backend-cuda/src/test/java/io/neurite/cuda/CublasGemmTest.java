package io.neurite.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
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
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cuBLAS binding without a GPU: the FFM calls against a stand-in library with cuBLAS's
 * column-major semantics and argument checks (src/test/resources/fake-cublas, built here with gcc),
 * on host memory. It checks the search and its refusals, the handle's math mode, and that every
 * row-major product (each transposition, batches, shared operands, offsets, beta) lands where the
 * SPI says. What it cannot check is the real library on a GPU (backend-cuda/gpu-check.sh does).
 */
class CublasGemmTest {
    @TempDir
    static Path dir;
    private static Path fake;

    @BeforeAll
    static void build() throws Exception {
        Path src = dir.resolve("fake_cublas.c");
        try (InputStream in = CublasGemmTest.class.getResourceAsStream("/fake-cublas/fake_cublas.c")) {
            Files.copy(in, src);
        }
        fake = dir.resolve("libcublas.so.13");
        Process p;
        try {
            p = new ProcessBuilder("gcc", "-shared", "-fPIC", "-O1", "-o", fake.toString(), src.toString())
                    .redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            Assumptions.abort("gcc is not installed, so the stand-in cuBLAS cannot be built: " + e.getMessage());
            return;
        }
        String log = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), "gcc: " + log);
    }

    @Test
    void theSearchNamesEveryPlaceItLookedAndWhy() {
        List<String> refusals = new ArrayList<>();
        assertNotNull(CublasLibrary.open(fake.toString(), refusals), refusals.toString());
        assertNull(CublasLibrary.open("/nonexistent/libcublas.so.13", refusals));
        assertTrue(refusals.getLast().startsWith("/nonexistent/libcublas.so.13: cannot be loaded"), refusals.getLast());
        assertNull(CublasLibrary.open("libm.so.6", refusals)); // loads, but is not cuBLAS
        assertTrue(refusals.getLast().contains("it has no cublasCreate_v2"), refusals.getLast());
        String before = System.getProperty(CublasLibrary.PROPERTY);
        try {
            System.setProperty(CublasLibrary.PROPERTY, fake.toString());
            CublasLibrary.Found f = CublasLibrary.locate();
            assertNotNull(f.library(), f.why());
            assertEquals(fake.toString(), f.library().path);
            System.setProperty(CublasLibrary.PROPERTY, dir.resolve("missing.so").toString());
            f = CublasLibrary.locate();
            assertNull(f.library());
            assertTrue(f.why().contains("missing.so"), f.why());
        } finally {
            if (before == null) System.clearProperty(CublasLibrary.PROPERTY);
            else System.setProperty(CublasLibrary.PROPERTY, before);
        }
    }

    @Test
    void tf32IsOffUnlessAskedForAndTheHandleIsReleased() throws Throwable {
        CublasLibrary lib = CublasLibrary.open(fake.toString(), new ArrayList<>());
        SymbolLookup l = SymbolLookup.libraryLookup(fake, Arena.global());
        MethodHandle math = Linker.nativeLinker().downcallHandle(l.find("fake_last_math_mode").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT));
        MethodHandle live = Linker.nativeLinker().downcallHandle(l.find("fake_live_handles").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT));
        int handles = (int) live.invokeExact();
        CublasGemm fp32 = new CublasGemm("fake:0", lib, 0, false, m -> 0, () -> { });
        assertEquals(0, (int) math.invokeExact(), "CUBLAS_DEFAULT_MATH");
        CublasGemm tf32 = new CublasGemm("fake:0", lib, 0, true, m -> 0, () -> { });
        assertEquals(3, (int) math.invokeExact(), "CUBLAS_TF32_TENSOR_OP_MATH");
        assertTrue(tf32.describe().contains("TF32 tensor cores allowed") && fp32.describe().contains("TF32 off"));
        fp32.close();
        tf32.close();
        tf32.close(); // twice is harmless
        assertEquals(handles, (int) live.invokeExact());
    }

    @Test
    void everyRowMajorProductLandsWhereTheSpiSays() {
        CublasGemm g = new CublasGemm("fake:0", CublasLibrary.open(fake.toString(), new ArrayList<>()), 0, false, m -> 0, () -> { });
        SplittableRandom r = new SplittableRandom(7);
        try (Arena arena = Arena.ofConfined()) {
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    for (int[] s : new int[][] {{1, 5, 3, 4}, {3, 7, 5, 1}, {2, 1, 9, 6}, {4, 16, 8, 32}, {1, 3, 4, 0}}) {
                        for (boolean sharedB : new boolean[] {false, true}) {
                            check(g, arena, r, ta, tb, s[0], s[1], s[2], s[3], sharedB, 0.5f);
                        }
                    }
                    check(g, arena, r, ta, tb, 2, 6, 5, 7, false, 0f); // beta 0 ignores whatever C held, NaN included
                }
            }
        } finally {
            g.close();
        }
    }

    private static void check(CublasGemm g, Arena arena, SplittableRandom r, boolean ta, boolean tb, int batch, int m, int n,
                              int k, boolean sharedB, float beta) {
        int offA = 3, offB = 1, offC = 2; // operands at element offsets, as convolution's scratch products use
        int sa = m * k, sb = sharedB ? 0 : k * n, sc = m * n;
        float[] a = random(r, offA + batch * sa), b = random(r, offB + Math.max(1, batch * sb + (sharedB ? k * n : 0)));
        float[] c = random(r, offC + batch * sc);
        if (beta == 0) java.util.Arrays.fill(c, Float.NaN);
        MemorySegment ma = arena.allocateFrom(ValueLayout.JAVA_FLOAT, a), mb = arena.allocateFrom(ValueLayout.JAVA_FLOAT, b);
        MemorySegment mc = arena.allocateFrom(ValueLayout.JAVA_FLOAT, c);
        float alpha = 1.5f;
        g.product(ta, tb, batch, m, n, k, alpha, ma.address() + 4L * offA, sa, mb.address() + 4L * offB, sb, beta,
                mc.address() + 4L * offC, sc);
        float[] got = mc.toArray(ValueLayout.JAVA_FLOAT);
        String what = (ta ? "T" : "N") + (tb ? "T" : "N") + " batch " + batch + " " + m + "x" + n + "x" + k + (sharedB ? " shared B" : "");
        for (int q = 0; q < batch; q++) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int p = 0; p < k; p++) {
                        double x = ta ? a[offA + q * sa + p * m + i] : a[offA + q * sa + i * k + p];
                        double y = tb ? b[offB + q * sb + j * k + p] : b[offB + q * sb + p * n + j];
                        s += x * y;
                    }
                    int at = offC + q * sc + i * n + j;
                    double want = alpha * s + (beta == 0 ? 0 : beta * c[at]);
                    assertEquals(want, got[at], 1e-4 * (1 + Math.abs(want)), what + " at [" + q + ", " + i + ", " + j + "]");
                }
            }
        }
        for (int i = 0; i < offC; i++) assertEquals(c[i], got[i], 0, what + ": nothing before C's offset is written");
    }

    private static float[] random(SplittableRandom r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (r.nextDouble() * 2 - 1);
        return v;
    }
}
