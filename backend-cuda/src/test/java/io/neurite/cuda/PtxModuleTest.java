package io.neurite.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurite.kernels.KernelEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The committed PTX against the host code: it assembles with ptxas for the GPUs it targets (when a
 * CUDA toolkit is installed), it declares the ISA the README promises, every kernel the host
 * launches is an entry in it and every entry is launched, and the group sizes the host assumes are
 * the ones compiled into it.
 */
class PtxModuleTest {
    private static final PtxModule PTX = PtxModule.load();
    private static final PtxModule TF32 = PtxModule.load(PtxModule.TF32_RESOURCE);

    @Test
    void declaresIsa80SoCuda12DriversLoadIt() {
        assertEquals("8.0", PTX.isa());
        assertEquals(12000, PTX.requiredDriver());
        assertEquals("CUDA 12.0 driver (r525 or newer)", PTX.requiredDriverText());
        assertTrue(PTX.text().contains("\n.target sm_75\n"), "compute_75: the oldest target of nvcc 13");
        assertEquals(0, PTX.image()[PTX.image().length - 1], "NUL-terminated for cuModuleLoadData");
    }

    @Test
    void theTf32ProgramTargetsAmpereAndHoldsItsEntries() {
        assertEquals("8.0", TF32.isa());
        assertTrue(TF32.text().contains("\n.target sm_80\n"), "mma.sync with TF32 operands needs sm_80");
        assertEquals(new TreeSet<>(Arrays.stream(KernelEntry.values()).filter(KernelEntry::inCudaTf32).map(KernelEntry::entry).toList()),
                new TreeSet<>(TF32.entries()));
        assertTrue(TF32.text().contains("mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32"));
        assertEquals(2 * 8 * (CudaGemm.LARGE_TILE + 4) * 4, sharedBytes(TF32, "gemm_tf32", "as"), "gemm_tf32: gemm_large's slices");
    }

    @Test
    void everyLaunchedKernelIsInThePtxAndEveryEntryIsLaunched() {
        Set<String> entries = PTX.entries();
        List<KernelEntry> cuda = Arrays.stream(KernelEntry.values()).filter(KernelEntry::inCuda).toList();
        Set<String> launched = new TreeSet<>(cuda.stream().map(KernelEntry::entry).toList());
        Set<String> missing = new TreeSet<>(launched);
        missing.removeAll(entries);
        assertTrue(missing.isEmpty(), "launched by the host but not in neurite.ptx: " + missing);
        Set<String> unused = new TreeSet<>(entries);
        unused.removeAll(launched);
        assertTrue(unused.isEmpty(), "in neurite.ptx but not a KernelEntry the host may launch: " + unused);
        for (KernelEntry k : cuda) {
            assertTrue(PTX.text().contains("\n.visible .entry " + k.entry() + "("), k.entry());
        }
    }

    @Test
    void sharedArraysMatchTheHostsGroupSizes() {
        for (String reduction : List.of("reduce_axis", "bias_gradient", "prelu_backward", "batch_norm_forward",
                "batch_norm_backward", "mse", "softmax_rows", "softmax_backward_rows", "softmax_cross_entropy", "count_correct")) {
            assertEquals(CudaProvider.REDUCE_THREADS * 4, sharedBytes(PTX, reduction, "buf"), reduction + "'s buffer is REDUCE_WG floats");
        }
        int tile = CudaGemm.TILED_TILE, depth = 16;
        assertEquals(depth * tile * 4, sharedBytes(PTX, "gemm_tiled", "as"), "gemm_tiled: GEMM_TILE_K x 4 GEMM_THREADS floats");
        assertEquals(2 * 8 * (CudaGemm.LARGE_TILE + 4) * 4, sharedBytes(PTX, "gemm_large", "as"), "gemm_large: two GL_K x GL_ROW slices");
    }

    /** The size of static shared array name of kernel (nvcc names it _ZZ<len><kernel>E<len><name>). */
    private static int sharedBytes(PtxModule ptx, String kernel, String name) {
        String symbol = "_ZZ" + kernel.length() + kernel + "E" + name.length() + name;
        Matcher m = Pattern.compile("\\.shared \\.align \\d+ \\.b8 " + Pattern.quote(symbol) + "\\[(\\d+)\\]").matcher(ptx.text());
        assertTrue(m.find(), "no shared array " + symbol + " in the PTX");
        return Integer.parseInt(m.group(1));
    }

    @Test
    void assemblesWithPtxasForTuringAmpereAndHopper() throws IOException, InterruptedException {
        Path ptxas = CudaToolkit.find("ptxas").orElse(null);
        Assumptions.assumeTrue(ptxas != null, "ptxas is not installed (no CUDA toolkit): assembly not checked");
        Path dir = Files.createDirectories(Path.of("target", "ptxas"));
        assemble(ptxas, dir, PTX, List.of("sm_80", "sm_75", "sm_90"));
        assemble(ptxas, dir, TF32, List.of("sm_80", "sm_90"));
    }

    private static void assemble(Path ptxas, Path dir, PtxModule ptx, List<String> sms) throws IOException, InterruptedException {
        String name = ptx.fileName();
        Path file = dir.resolve(name);
        Files.writeString(file, ptx.text());
        for (String sm : sms) {
            Path cubin = dir.resolve(name + "." + sm + ".cubin");
            CudaToolkit.Result r = CudaToolkit.run(List.of(ptxas.toString(), "-arch=" + sm, file.toString(), "-o", cubin.toString()));
            assertEquals(0, r.status(), "ptxas -arch=" + sm + " rejects " + name + ":\n" + r.output());
            assertTrue(Files.size(cubin) > 0);
        }
    }
}
