package io.neurite.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurite.conformance.BackendConformance;
import io.neurite.device.Device;
import org.junit.jupiter.api.Test;

/**
 * gemm_tf32 on {@code cudaemu:3}, the CUDA backend's host code with mma.sync emulated in local
 * memory in the layout of the PTX ISA (gemm_tf32.h): {@link Tf32GemmCheck}'s shapes, and cvt.rna's
 * rounding at its edges.
 */
class EmulatedTf32GemmTest {
    @Test
    void theTensorCoreKernelComputesTheTf32Product() {
        try (Device d = BackendConformance.openOrSkip("cudaemu:3")) {
            assertTrue(d.description().contains("TF32 tensor cores"), d.description());
            Tf32GemmCheck.check(d);
            assertEquals(0, d.liveBuffers(), "buffers left open");
        }
    }

    @Test
    void roundingIsToNearestWithTiesAwayFromZero() {
        assertEquals(1f, Tf32GemmCheck.rna(1f + 0x1p-12f));
        assertEquals(1f + 0x1p-10f, Tf32GemmCheck.rna(1f + 0x1p-11f)); // a tie: away from zero, where TF32's even would stay at 1
        assertEquals(-(1f + 0x1p-10f), Tf32GemmCheck.rna(-(1f + 0x1p-11f)));
        assertEquals(2f, Tf32GemmCheck.rna(2f - 0x1p-12f)); // carries into the exponent
    }
}
