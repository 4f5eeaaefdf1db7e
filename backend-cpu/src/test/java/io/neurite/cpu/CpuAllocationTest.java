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

/**
 * A CPU buffer the heap cannot hold is a DeviceException saying how large it was and what to
 * change, and the device goes on working; the arrays of closed buffers are handed to the next
 * buffers of their size, zeroed, also when a step frees more than the old fixed cap of 64 MiB.
 */
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

    @Test
    void aLargeStepsArraysAreReusedZeroed() {
        int length = 2 << 20, count = 12; // 12 arrays of 8 MiB: 96 MiB freed at once, as a VGG-style step frees 140
        org.junit.jupiter.api.Assumptions.assumeTrue(Runtime.getRuntime().maxMemory() / 4 >= 2L * count * 4 * length,
                "a heap of at least 8 x 96 MiB, so that the default cap (a quarter of it) holds the arrays twice over");
        try (Device cpu = Devices.get("cpu:0")) {
            java.util.Set<float[]> first = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
            Buffer[] step = new Buffer[count];
            for (int i = 0; i < count; i++) {
                step[i] = cpu.allocate(DType.FLOAT32, length);
                float[] a = CpuBuffer.f(step[i]);
                java.util.Arrays.fill(a, i + 1);
                first.add(a);
            }
            for (Buffer b : step) b.close();
            for (int i = 0; i < count; i++) {
                step[i] = cpu.allocate(DType.FLOAT32, length);
                float[] a = CpuBuffer.f(step[i]);
                assertTrue(first.contains(a), "buffer " + i + " of the second step got a new array, not one the first step closed");
                for (int j = 0; j < length; j += 4099) assertEquals(0f, a[j], "a reused array is zeroed");
            }
            for (Buffer b : step) b.close();
            assertEquals(0, cpu.liveBuffers());
        }
    }
}
