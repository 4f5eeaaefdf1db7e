package io.neurite.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The committed neurite.ptx and neurite_tf32.ptx are what the sources compile to: where nvcc is
 * installed, this reruns kernels/generate-ptx.sh (the same flags and ISA rewrite) into target/ and
 * compares everything below the header comment. It needs the nvcc release that made the committed file (named in its
 * header), since another release writes other, equally valid, PTX.
 */
class PtxSyncTest {
    @Test
    void committedPtxMatchesTheSources() throws IOException, InterruptedException {
        Assumptions.assumeTrue(CudaToolkit.find("nvcc").isPresent(), "nvcc is not installed: PTX sync not checked");
        Path root = CudaToolkit.repositoryRoot().orElse(null);
        Assumptions.assumeTrue(root != null, "not run from a source checkout (no kernels/generate-ptx.sh)");
        Path out = Files.createDirectories(Path.of("target", "ptx-sync").toAbsolutePath()).resolve("neurite.ptx");
        CudaToolkit.Result r = CudaToolkit.run(List.of("bash", root.resolve("kernels/generate-ptx.sh").toString(), out.toString()));
        assertEquals(0, r.status(), "kernels/generate-ptx.sh failed:\n" + r.output());
        for (PtxModule ptx : List.of(PtxModule.load(), PtxModule.load(PtxModule.TF32_RESOURCE))) {
            String name = ptx.fileName();
            String committed = Files.readString(root.resolve("kernels/src/main/resources/" + ptx.resource()));
            String fresh = Files.readString(out.resolveSibling(name));
            String madeBy = headerLine(committed, "// nvcc:"), here = headerLine(fresh, "// nvcc:");
            Assumptions.assumeTrue(madeBy.equals(here), "the committed PTX was made by " + madeBy + ", this machine has " + here);
            assertEquals(body(committed), body(fresh), name + " is stale: run kernels/generate-ptx.sh and commit the result");
            assertEquals(ptx.text(), committed, "the class path holds another " + name + " than the source tree");
        }
    }

    private static String headerLine(String ptx, String prefix) {
        return ptx.lines().filter(l -> l.startsWith(prefix)).findFirst().orElse(prefix + " (none)");
    }

    /** Everything after the leading comment lines. */
    private static String body(String ptx) {
        List<String> lines = ptx.lines().toList();
        int i = 0;
        while (i < lines.size() && lines.get(i).startsWith("//")) i++;
        return String.join("\n", lines.subList(i, lines.size()));
    }
}
