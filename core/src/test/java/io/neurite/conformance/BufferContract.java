package io.neurite.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurite.device.Buffer;
import io.neurite.device.DType;
import io.neurite.device.Device;
import io.neurite.device.DeviceException;
import io.neurite.device.Devices;
import io.neurite.device.LeakTracker;
import io.neurite.device.Op;
import io.neurite.device.PreparedGemmB;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The {@link Buffer} contract every backend keeps: copies in and out of arrays and memory
 * segments, and a clear {@link DeviceException} (never a crash or garbage) for use after close,
 * out-of-range copies, wrong dtypes and buffers of another device. Backends extend it as they
 * extend {@link BackendConformance}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class BufferContract {
    private Device device;

    protected abstract String deviceId();

    @BeforeAll
    void open() {
        device = BackendConformance.openOrSkip(deviceId());
    }

    @AfterAll
    void close() {
        if (device == null) return;
        long live = device.liveBuffers();
        device.close();
        assertEquals(0, live, "buffers left open on " + deviceId());
    }

    @Test
    void roundTripsArraysAndSegments() {
        try (Buffer f = device.allocate(DType.FLOAT32, 5); Buffer i = device.allocate(DType.INT32, 3);
             Arena arena = Arena.ofConfined()) {
            assertArrayEquals(new float[5], f.toFloatArray(), "new buffers are zero");
            f.copyFrom(new float[] {1, 2, 3, 4, 5});
            f.copyFrom(new float[] {9, 8}, 0, 3, 2);
            assertArrayEquals(new float[] {1, 2, 3, 9, 8}, f.toFloatArray());
            float[] part = new float[4];
            f.copyTo(1, part, 1, 3);
            assertArrayEquals(new float[] {0, 2, 3, 9}, part);
            i.copyFrom(new int[] {7, -1, 3});
            assertArrayEquals(new int[] {7, -1, 3}, i.toIntArray());
            MemorySegment seg = arena.allocate(8);
            seg.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN), 0, 0.5f);
            seg.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN), 1, -2f);
            f.copyFrom(seg, 1);
            MemorySegment out = arena.allocate(12);
            f.copyTo(0, out);
            assertEquals(-2f, out.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN), 2));
            assertEquals(20, f.byteSize());
        }
    }

    @Test
    void useAfterCloseIsAClearError() {
        Buffer b = device.allocate(DType.FLOAT32, 4);
        b.close();
        b.close(); // idempotent
        DeviceException e = assertThrows(DeviceException.class, b::toFloatArray);
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        try (Buffer y = device.allocate(DType.FLOAT32, 4)) {
            e = assertThrows(DeviceException.class, () -> device.ops().activation(Op.RELU, 0, 4, b, y));
            assertTrue(e.getMessage().contains("x is closed"), e.getMessage());
        }
    }

    @Test
    void aClosedPreparedGemmOperandOrSourceIsAClearError() {
        try (Buffer a = device.allocate(DType.FLOAT32, 9); Buffer b = device.allocate(DType.FLOAT32, 6);
             Buffer c = device.allocate(DType.FLOAT32, 4)) {
            PreparedGemmB pb = device.ops().prepareGemmB(false, 3, 2, b);
            DeviceException e = assertThrows(DeviceException.class, () -> device.ops().gemm(false, 3, 1f, a, pb, 0f, c));
            assertTrue(e.getMessage().contains("C needs 6 elements"), e.getMessage());
            pb.close();
            pb.close(); // idempotent
            e = assertThrows(DeviceException.class, () -> device.ops().gemm(false, 2, 1f, a, pb, 0f, c));
            assertTrue(e.getMessage().contains("prepared B 3x2") && e.getMessage().contains("is closed"), e.getMessage());
            PreparedGemmB orphan = device.ops().prepareGemmB(false, 3, 2, b);
            b.close();
            e = assertThrows(DeviceException.class, () -> device.ops().gemm(false, 2, 1f, a, orphan, 0f, c));
            assertTrue(e.getMessage().contains("source of prepared B is closed"), e.getMessage());
            orphan.close();
        }
    }

    @Test
    void outOfRangeCopiesAndShortBuffersAreRefused() {
        try (Buffer b = device.allocate(DType.FLOAT32, 4); Buffer small = device.allocate(DType.FLOAT32, 3)) {
            assertThrows(DeviceException.class, () -> b.copyFrom(new float[5]));
            assertThrows(DeviceException.class, () -> b.copyFrom(new float[2], 0, 3, 2));
            assertThrows(DeviceException.class, () -> b.copyTo(-1, new float[1], 0, 1));
            DeviceException e = assertThrows(DeviceException.class, () -> device.ops().activation(Op.RELU, 0, 4, b, small));
            assertTrue(e.getMessage().contains("needs 4 elements"), e.getMessage());
        }
    }

    @Test
    void dtypeMismatchIsRefused() {
        try (Buffer ints = device.allocate(DType.INT32, 4); Buffer y = device.allocate(DType.FLOAT32, 4)) {
            assertThrows(DeviceException.class, () -> ints.copyFrom(new float[4]));
            assertThrows(DeviceException.class, ints::toFloatArray);
            DeviceException e = assertThrows(DeviceException.class, () -> device.ops().activation(Op.RELU, 0, 4, ints, y));
            assertTrue(e.getMessage().contains("FLOAT32"), e.getMessage());
        }
    }

    @Test
    void buffersOfAnotherDeviceAreRefused() {
        try (Device other = Devices.get("cpu:0"); Buffer x = device.allocate(DType.FLOAT32, 4);
             Buffer foreign = other.allocate(DType.FLOAT32, 4)) {
            DeviceException e = assertThrows(DeviceException.class, () -> device.ops().activation(Op.RELU, 0, 4, x, foreign));
            assertTrue(e.getMessage().contains("another device"), e.getMessage());
        }
    }

    @Test
    void aBufferCollectedWithoutCloseIsReportedWithItsAllocationSite() throws InterruptedException {
        assertTrue(LeakTracker.enabled(), "tests run with -Dneurite.leakCheck=true");
        LeakTracker.clear();
        try (Device scratch = Devices.get(deviceId())) {
            leakOne(scratch); // on a device of its own, so this class's open-buffer count stays exact
        }
        for (int i = 0; i < 200 && LeakTracker.leaks().isEmpty(); i++) {
            System.gc();
            Thread.sleep(10);
        }
        var leaks = LeakTracker.leaks();
        LeakTracker.clear();
        assertEquals(1, leaks.size(), "one leak reported");
        assertTrue(leaks.getFirst().contains("leakOne"), leaks.getFirst());
    }

    private static void leakOne(Device d) {
        d.allocate(DType.FLOAT32, 16);
    }
}
