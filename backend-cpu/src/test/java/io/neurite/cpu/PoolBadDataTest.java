package io.neurite.cpu;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurite.device.Buffer;
import io.neurite.device.DType;
import io.neurite.device.Device;
import io.neurite.device.DeviceException;
import io.neurite.device.Devices;
import io.neurite.device.Pool2dSpec;
import io.neurite.device.Window2d;
import org.junit.jupiter.api.Test;

/**
 * What the CPU pooling kernels refuse that the argument checks cannot see: a window lying wholly
 * in the padding (it has no maximum and no cells to average) and a max-pool index outside its
 * plane (it did not come from the forward with this spec).
 */
class PoolBadDataTest {
    @Test
    void aWindowOfOnlyPaddingIsRefusedWithTheReason() {
        // padding 1 above a 1x1 kernel: the first output row reads only padding
        Pool2dSpec s = new Pool2dSpec(1, 1, 2, 2, new Window2d(1, 1, 1, 1, 1, 0, 3, 2));
        try (Device d = Devices.get("cpu:0"); Buffer x = d.allocate(DType.FLOAT32, 4);
             Buffer y = d.allocate(DType.FLOAT32, 6)) {
            DeviceException e = assertThrows(DeviceException.class, () -> d.ops().avgPool2dForward(s, x, y));
            assertTrue(e.getMessage().contains("covers only padding"), e.getMessage());
            e = assertThrows(DeviceException.class, () -> d.ops().maxPool2dForward(s, x, y, null));
            assertTrue(e.getMessage().contains("covers only padding"), e.getMessage());
        }
    }

    @Test
    void aMaxIndexOutsideItsPlaneIsRefused() {
        // two planes of 2x2, pooled 2x2 to one value each; plane 0's index points into plane 1
        Pool2dSpec s = new Pool2dSpec(1, 2, 2, 2, Window2d.keras("valid", 2, 2, 2, 2, 2, 2));
        try (Device d = Devices.get("cpu:0"); Buffer dy = d.upload(new float[] {1, 2});
             Buffer idx = d.upload(new int[] {5, 6}); Buffer dx = d.allocate(DType.FLOAT32, 8)) {
            DeviceException e = assertThrows(DeviceException.class, () -> d.ops().maxPool2dBackward(s, dy, idx, dx));
            assertTrue(e.getMessage().contains("index 5"), e.getMessage());
        }
    }
}
