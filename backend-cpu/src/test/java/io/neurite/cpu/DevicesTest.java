package io.neurite.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurite.device.Device;
import io.neurite.device.DeviceException;
import io.neurite.device.Devices;
import org.junit.jupiter.api.Test;

/** Device discovery and selection with the CPU backend on the class path. */
class DevicesTest {
    @Test
    void theCpuBackendIsFoundAndDescribed() {
        assertTrue(Devices.providers().containsKey("cpu"));
        assertEquals("cpu:0", Devices.list().getFirst().id(), "no GPU backend on this class path");
        try (Device d = Devices.get("cpu")) {
            assertEquals("cpu:0", d.id());
            assertTrue(d.description().contains("threads"), d.description());
        }
    }

    @Test
    void anAbsentDeviceIsAnErrorListingWhatIsThere() {
        DeviceException e = assertThrows(DeviceException.class, () -> Devices.get("cuda:0"));
        assertTrue(e.getMessage().contains("no backend named 'cuda'"), e.getMessage());
        assertTrue(e.getMessage().contains("cpu:0"), e.getMessage());
        e = assertThrows(DeviceException.class, () -> Devices.get("cpu:3"));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void thePropertyOverridesTheAutomaticChoiceWithoutFallback() {
        String old = System.getProperty("neurite.device");
        try {
            System.setProperty("neurite.device", "cpu:0");
            try (Device d = Devices.best()) {
                assertEquals("cpu:0", d.id());
            }
            System.setProperty("neurite.device", "opencl:0");
            DeviceException e = assertThrows(DeviceException.class, Devices::best);
            assertTrue(e.getMessage().contains("opencl"), e.getMessage());
        } finally {
            if (old == null) System.clearProperty("neurite.device");
            else System.setProperty("neurite.device", old);
        }
    }

    @Test
    void aClosedDeviceRefusesWork() {
        Device d = Devices.get("cpu:0");
        d.close();
        assertThrows(DeviceException.class, d::ops);
        assertThrows(DeviceException.class, () -> d.allocate(io.neurite.device.DType.FLOAT32, 1));
    }
}
