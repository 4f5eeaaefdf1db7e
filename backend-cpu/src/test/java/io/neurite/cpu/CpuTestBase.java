package io.neurite.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.neurite.device.Device;
import io.neurite.device.Devices;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/** One {@code cpu:0} device for a test class, and the check that every test closes each tensor it made. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class CpuTestBase {
    protected Device cpu;

    @BeforeAll
    void openCpu() {
        cpu = Devices.get("cpu:0");
    }

    @AfterEach
    void everyTensorClosed() {
        assertEquals(0, cpu.liveBuffers(), "every tensor closed");
    }

    @AfterAll
    void closeCpu() {
        if (cpu != null) cpu.close();
    }
}
