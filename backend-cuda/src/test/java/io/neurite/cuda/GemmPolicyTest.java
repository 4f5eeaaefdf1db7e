package io.neurite.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurite.device.DeviceException;
import org.junit.jupiter.api.Test;

/** Which GEMM kernel a product gets on an H100-sized GPU (132 SMs), and the override property. */
class GemmPolicyTest {
    @Test
    void largeProductsTakeTheLargeTilesAndThinOnesTheSmall() {
        assertTrue(GemmPolicy.AUTO.large(4096, 4096, 1, 132), "bench gemm --n 4096: 1024 tiles");
        assertFalse(GemmPolicy.AUTO.large(1024, 1024, 1, 132), "64 tiles of 128 would leave SMs idle");
        assertTrue(GemmPolicy.AUTO.large(1024, 1024, 4, 132));
        assertFalse(GemmPolicy.AUTO.large(16, 576, 512, 132), "LeNet's convolution: 16 filters");
        assertFalse(GemmPolicy.AUTO.large(512, 120, 1, 132), "a dense layer narrower than a tile");
        assertTrue(GemmPolicy.LARGE.large(1, 1, 1, 132));
        assertFalse(GemmPolicy.TILED.large(4096, 4096, 1, 132));
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
            assertTrue(e.getMessage().contains("auto, tiled or large"), e.getMessage());
        } finally {
            if (old == null) System.clearProperty(GemmPolicy.PROPERTY);
            else System.setProperty(GemmPolicy.PROPERTY, old);
        }
    }
}
