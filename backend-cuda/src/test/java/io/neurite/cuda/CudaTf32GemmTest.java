package io.neurite.cuda;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurite.conformance.BackendConformance;
import io.neurite.device.Device;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * gemm_tf32 on a real GPU ({@link Tf32GemmCheck}): mma.sync itself, which the emulated device can
 * only imitate. It runs when the JVM is told to take the TF32 kernel,
 * {@code -Dneurite.cuda.gemm=tf32 -Dneurite.cuda.blas=own} (backend-cuda/gpu-check.sh does), and
 * is skipped otherwise, or with the provider's reason where there is no GPU.
 */
class CudaTf32GemmTest {
    @Test
    void theTensorCoreKernelComputesTheTf32Product() {
        Assumptions.assumeTrue("tf32".equals(System.getProperty(GemmPolicy.PROPERTY)) && "own".equals(System.getProperty(GemmChoice.PROPERTY)),
                "run with -D" + GemmPolicy.PROPERTY + "=tf32 -D" + GemmChoice.PROPERTY + "=own to check gemm_tf32 on cuda:0");
        try (Device d = BackendConformance.openOrSkip("cuda:0")) {
            assertTrue(d.description().contains("TF32 tensor cores"), d.description());
            Tf32GemmCheck.check(d);
        }
    }
}
