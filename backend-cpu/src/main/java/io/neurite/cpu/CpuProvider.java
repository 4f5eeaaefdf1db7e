package io.neurite.cpu;

import io.neurite.device.Availability;
import io.neurite.device.Device;
import io.neurite.device.DeviceException;
import io.neurite.device.DeviceInfo;
import io.neurite.device.DeviceProvider;
import java.util.List;

/** The CPU backend: always available; one device, {@code cpu:0}, using every core. */
public final class CpuProvider implements DeviceProvider {
    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public Availability probe() {
        return Availability.of(List.of(info()));
    }

    static DeviceInfo info() {
        long heap = Runtime.getRuntime().maxMemory() >> 20;
        String cpu = System.getProperty("os.arch") + ", " + Parallel.THREADS + " threads";
        return new DeviceInfo("cpu:0", DeviceInfo.Kind.CPU,
                "CPU (" + cpu + ", " + heap + " MiB heap), " + VectorSupport.describe());
    }

    /** 100: below any GPU, above OpenCL on a CPU (see {@link DeviceProvider#priority}). */
    @Override
    public int priority(DeviceInfo device) {
        return 100;
    }

    @Override
    public Device open(int ordinal) {
        if (ordinal != 0) throw new DeviceException("cpu:" + ordinal + " does not exist; the CPU backend has cpu:0 only");
        return new CpuDevice(info());
    }
}
