package io.neurite.device;

import java.util.List;

/**
 * What a {@link DeviceProvider} found when probed: whether its backend can run here, the reason in
 * words when it cannot ("no OpenCL ICD found", "libcuda.so.1 not found", "no CUDA device"), and
 * the devices it offers.
 */
public record Availability(boolean available, String reason, List<DeviceInfo> devices) {
    public Availability {
        devices = List.copyOf(devices);
    }

    public static Availability of(List<DeviceInfo> devices) {
        return devices.isEmpty()
                ? new Availability(false, "no device found", devices)
                : new Availability(true, "", devices);
    }

    public static Availability unavailable(String reason) {
        return new Availability(false, reason, List.of());
    }
}
