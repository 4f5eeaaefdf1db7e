package io.neurite.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurite.device.Buffer;
import io.neurite.device.DType;
import io.neurite.device.Device;
import io.neurite.device.DeviceException;
import io.neurite.device.Devices;
import org.junit.jupiter.api.Test;

/** A CPU buffer the heap cannot hold is a DeviceException saying how large it was and what to change, and the device goes on working. */
class CpuAllocationTest {
    private static void refused(Device cpu, long length, String why) {
        DeviceException e = assertThrows(DeviceException.class, () -> cpu.allocate(DType.FLOAT32, length));
        String m = e.getMessage();
        assertTrue(m.contains("cannot allocate " + length + " float32 elements") && m.contains(" MiB") && m.contains(why), m);
        assertTrue(m.contains("-Xmx") && m.contains("--batch"), "names the options to change: " + m);
        assertEquals(0, cpu.liveBuffers());
        try (Buffer small = cpu.upload(new float[] {1, 2})) {
            assertArrayEquals(new float[] {1, 2}, small.toFloatArray(), "the next smaller request succeeds");
        }
    }

    @Test
    void beyondAnArraysLimitIsRefused() {
        try (Device cpu = Devices.get("cpu:0")) {
            refused(cpu, Integer.MAX_VALUE, "2^31-9");
            refused(cpu, 1L << 40, "2^31-9");
        }
    }

    @Test
    void beyondTheHeapIsRefusedWithoutTrying() {
        long tooMany = Runtime.getRuntime().maxMemory() / 4 + 1;
        org.junit.jupiter.api.Assumptions.assumeTrue(tooMany < Integer.MAX_VALUE - 8, "the heap is larger than an array can be");
        try (Device cpu = Devices.get("cpu:0")) {
            refused(cpu, tooMany, "Java heap's maximum");
        }
    }
}
