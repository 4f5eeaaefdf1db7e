package io.neurite.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurite.device.DeviceInfo;
import io.neurite.device.Devices;
import java.util.List;
import org.junit.jupiter.api.Test;

/** OpenCL's GPUs rank above the CPU backend, its CPU devices (PoCL here) below it. */
class OpenClPriorityTest {
    @Test
    void aGpuIsPreferredToTheCpuBackendAndAnOpenClCpuIsNot() {
        OpenClProvider p = new OpenClProvider();
        int cpuBackend = Devices.providers().get("cpu").priority(new DeviceInfo("cpu:0", DeviceInfo.Kind.CPU, "the CPU backend"));
        assertTrue(p.priority(new DeviceInfo("opencl:0", DeviceInfo.Kind.GPU, "a GPU")) > cpuBackend);
        assertTrue(p.priority(new DeviceInfo("opencl:1", DeviceInfo.Kind.CPU, "PoCL")) < cpuBackend);
        assertTrue(p.priority(new DeviceInfo("opencl:2", DeviceInfo.Kind.ACCELERATOR, "an accelerator")) < cpuBackend);
        List<DeviceInfo> all = Devices.list();
        boolean gpu = all.stream().anyMatch(d -> d.kind() == DeviceInfo.Kind.GPU);
        if (!gpu) assertEquals("cpu:0", all.getFirst().id(), "OpenCL on the CPU ranks below the CPU backend: " + all);
    }
}
