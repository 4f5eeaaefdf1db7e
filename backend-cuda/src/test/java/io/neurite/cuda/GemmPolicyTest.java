package io.neurite.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurite.device.DeviceException;
import io.neurite.kernels.KernelEntry;
import org.junit.jupiter.api.Test;

/** Which GEMM kernel a product gets on an H100-sized GPU (132 SMs), and the override property. */
class GemmPolicyTest {
    @Test
    void largeProductsTakeTheLargeTilesAndThinOnesTheSmall() {
        assertEquals(KernelEntry.GEMM_LARGE, GemmPolicy.AUTO.kernel(4096, 4096, 1, 132, false), "bench gemm --n 4096: 1024 tiles");
        assertEquals(KernelEntry.GEMM_TILED, GemmPolicy.AUTO.kernel(1024, 1024, 1, 132, false), "64 tiles of 128 would leave SMs idle");
        assertEquals(KernelEntry.GEMM_LARGE, GemmPolicy.AUTO.kernel(1024, 1024, 4, 132, false));
        assertEquals(KernelEntry.GEMM_TILED, GemmPolicy.AUTO.kernel(16, 576, 512, 132, false), "LeNet's convolution: 16 filters");
        assertEquals(KernelEntry.GEMM_TILED, GemmPolicy.AUTO.kernel(512, 120, 1, 132, false), "a dense layer narrower than a tile");
        assertEquals(KernelEntry.GEMM_LARGE, GemmPolicy.LARGE.kernel(1, 1, 1, 132, true));
        assertEquals(KernelEntry.GEMM_TILED, GemmPolicy.TILED.kernel(4096, 4096, 1, 132, true));
    }

    @Test
    void tensorCoresTakeTheLargeProductsWhereTf32IsAllowed() {
        assertEquals(KernelEntry.GEMM_TF32, GemmPolicy.AUTO.kernel(4096, 4096, 1, 132, true));
        assertEquals(KernelEntry.GEMM_TILED, GemmPolicy.AUTO.kernel(512, 120, 1, 132, true), "thin products stay FP32 on 64x64 tiles");
        assertEquals(KernelEntry.GEMM_TF32, GemmPolicy.TF32.kernel(1, 1, 1, 132, true));
        assertTrue(GemmPolicy.AUTO.describe(true).contains("TF32 tensor cores"));
        assertFalse(GemmPolicy.AUTO.describe(false).contains("TF32"));
    }

    @Test
    void thePropertyChoosesOrIsRefusedClearly() {
        String old = System.getProperty(GemmPolicy.PROPERTY);
        try {
            System.clearProperty(GemmPolicy.PROPERTY);
            assertEquals(GemmPolicy.AUTO, GemmPolicy.fromProperty());
            System.setProperty(GemmPolicy.PROPERTY, "Large");
            assertEquals(GemmPolicy.LARGE, GemmPolicy.fromProperty());
            System.setProperty(GemmPolicy.PROPERTY, "cublas");
            DeviceException e = assertThrows(DeviceException.class, GemmPolicy::fromProperty);
            assertTrue(e.getMessage().contains("auto, tiled, large or tf32"), e.getMessage());
        } finally {
            if (old == null) System.clearProperty(GemmPolicy.PROPERTY);
            else System.setProperty(GemmPolicy.PROPERTY, old);
        }
    }
}
