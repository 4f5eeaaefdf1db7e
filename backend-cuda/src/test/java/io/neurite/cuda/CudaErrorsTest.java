package io.neurite.cuda;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jcuda.driver.CUresult;
import org.junit.jupiter.api.Test;

/** Every CUresult becomes an exception naming the device, the call, the error and, where useful, what to do. */
class CudaErrorsTest {
    @Test
    void successPassesAndFailuresNameTheCallAndTheError() {
        assertDoesNotThrow(() -> CudaErrors.check("cuda:0", CUresult.CUDA_SUCCESS, "cuInit"));
        CudaException e = assertThrows(CudaException.class,
                () -> CudaErrors.check("cuda:0", CUresult.CUDA_ERROR_OUT_OF_MEMORY, "cuMemAlloc(4096 bytes)"));
        assertEquals(CUresult.CUDA_ERROR_OUT_OF_MEMORY, e.code());
        assertEquals("cuda:0: cuMemAlloc(4096 bytes) failed: CUDA_ERROR_OUT_OF_MEMORY (2); the GPU is out of memory", e.getMessage());
    }

    @Test
    void tooOldDriverNamesTheMinimum() {
        String m = CudaErrors.failed("cuda:0", CUresult.CUDA_ERROR_UNSUPPORTED_PTX_VERSION, "cuModuleLoadData").getMessage();
        assertTrue(m.contains("CUDA_ERROR_UNSUPPORTED_PTX_VERSION (222)") && m.contains("r525"), m);
    }

    @Test
    void kernelFailuresSayTheContextIsLost() {
        String m = CudaErrors.failed("cuda:1", CUresult.CUDA_ERROR_ILLEGAL_ADDRESS, "cuStreamSynchronize").getMessage();
        assertTrue(m.startsWith("cuda:1: cuStreamSynchronize failed: CUDA_ERROR_ILLEGAL_ADDRESS (700)"), m);
        assertTrue(m.contains("unusable"), m);
    }

    @Test
    void unknownCodesAreStillNamed() {
        assertEquals("unknown CUresult (123456)", CudaErrors.name(123456));
        assertEquals("cuda:0: cuFoo failed: unknown CUresult (123456)", CudaErrors.failed("cuda:0", 123456, "cuFoo").getMessage());
    }
}
