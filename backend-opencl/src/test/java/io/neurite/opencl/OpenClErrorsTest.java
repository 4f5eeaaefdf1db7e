package io.neurite.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurite.conformance.BackendConformance;
import io.neurite.device.Buffer;
import io.neurite.device.DType;
import io.neurite.device.Device;
import io.neurite.device.DeviceException;
import io.neurite.device.Devices;
import io.neurite.device.Op;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What an OpenCL failure looks like to a user: a kernel that does not compile raises an exception
 * with the build log and the program's name; an unknown kernel names itself and the CL error; an
 * allocation beyond the device's limits, or beyond the memory left, is refused clearly and the
 * device keeps working.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenClErrorsTest {
    private Device device;
    private ClContext ctx;

    @BeforeAll
    void open() {
        device = BackendConformance.openOrSkip("opencl:0");
        ctx = ((OpenClProvider) Devices.providers().get("opencl")).context(0);
    }

    @AfterAll
    void close() {
        if (device != null) device.close();
    }

    @Test
    void aBrokenKernelRaisesItsBuildLog() {
        String source = "__kernel void broken_kernel(__global float* x) {\n    x[0] = undefined_name * 2.0f;\n}\n";
        ClBuildException e = assertThrows(ClBuildException.class,
                () -> ClContext.build(device.id(), ctx.context, ctx.device, "broken_kernel", source, ""));
        assertEquals("broken_kernel", e.program());
        assertTrue(e.getMessage().contains("broken_kernel"), e.getMessage());
        assertTrue(e.getMessage().contains("CL_BUILD_PROGRAM_FAILURE"), e.getMessage());
        assertTrue(e.buildLog().contains("undefined_name"), "the log names the culprit: " + e.buildLog());
        assertTrue(e.getMessage().contains(e.buildLog()), "the message carries the log");
    }

    @Test
    void anUnknownKernelNamesItselfAndTheErrorCode() {
        ClDriver driver = new ClDriver(device.id(), ctx);
        try {
            DeviceException e = assertThrows(DeviceException.class, () -> driver.function("no_such_kernel"));
            assertTrue(e.getMessage().contains("clCreateKernel(no_such_kernel)"), e.getMessage());
            assertTrue(e.getMessage().contains("CL_INVALID_KERNEL_NAME"), e.getMessage());
        } finally {
            driver.close();
        }
    }

    @Test
    void anAllocationBeyondTheDeviceIsRefusedAndTheDeviceStaysUsable() {
        long tooMany = ctx.maxAlloc / 4 + 1;
        DeviceException e = assertThrows(DeviceException.class, () -> device.allocate(DType.FLOAT32, tooMany));
        // A device whose largest allocation holds 2^31 floats or more (PoCL on a host with 24 GiB)
        // meets the kernels' 32-bit indexing limit first, and says that instead.
        String limit = tooMany > Integer.MAX_VALUE ? "32-bit indexing" : "CL_DEVICE_MAX_MEM_ALLOC_SIZE";
        assertTrue(e.getMessage().contains(limit), "max alloc " + ctx.maxAlloc + " bytes: " + e.getMessage());
        assertEquals(0, device.liveBuffers());
        try (Buffer x = device.upload(new float[] {-1, 2}); Buffer y = device.allocate(DType.FLOAT32, 2)) {
            device.ops().activation(Op.RELU, 0, 2, x, y);
            assertArrayEquals(new float[] {0, 2}, y.toFloatArray());
        }
    }

    @Test
    void runningOutOfDeviceMemoryIsAClearErrorAndTheDeviceStaysUsable() {
        long others = ctx.globalMemory - 1024; // as if open buffers held all but 1 KiB
        ctx.inUse.addAndGet(others);
        try {
            DeviceException e = assertThrows(DeviceException.class, () -> device.allocate(DType.FLOAT32, 1024));
            assertTrue(e.getMessage().contains("out of device memory") && e.getMessage().contains("requested 4096 bytes"), e.getMessage());
            java.util.regex.Matcher free = java.util.regex.Pattern.compile("requested 4096 bytes, (\\d+) bytes free").matcher(e.getMessage());
            assertTrue(free.find() && Long.parseLong(free.group(1)) <= 1024, "names the free bytes: " + e.getMessage());
            try (Buffer smaller = device.allocate(DType.FLOAT32, 64)) { // 256 bytes: the next smaller request fits
                assertEquals(64, smaller.length());
            }
        } finally {
            ctx.inUse.addAndGet(-others);
        }
        assertEquals(0, device.liveBuffers());
        try (Buffer x = device.upload(new float[] {-1, 2}); Buffer y = device.allocate(DType.FLOAT32, 2)) {
            device.ops().activation(Op.RELU, 0, 2, x, y);
            assertArrayEquals(new float[] {0, 2}, y.toFloatArray());
        }
    }

    @Test
    void outOfMemoryCodesGetTheirOwnMessage() {
        DeviceException e = ClErrors.failed("opencl:9", "clCreateBuffer(4096 bytes)",
                new org.jocl.CLException("CL_MEM_OBJECT_ALLOCATION_FAILURE", org.jocl.CL.CL_MEM_OBJECT_ALLOCATION_FAILURE));
        assertTrue(e.getMessage().startsWith("opencl:9: out of device memory: clCreateBuffer(4096 bytes) returned "
                + "CL_MEM_OBJECT_ALLOCATION_FAILURE (-4)"), e.getMessage());
    }

    @Test
    void theDescriptionNamesPlatformDeviceUnitsMemoryAndVersion() {
        String d = device.info().description();
        assertTrue(d.contains(" on ") && d.contains("compute units") && d.contains("MiB") && d.contains("OpenCL"), d);
        Device again = BackendConformance.openOrSkip("opencl:0");
        assertEquals(device.info(), again.info(), "ids and descriptions are stable");
        again.close();
    }
}
