package io.neurite.bench;

import io.neurite.device.DeviceInfo;
import io.neurite.device.Devices;
import java.util.List;
import java.util.Set;

/** {@code bench devices}: core's table of every backend and device ({@link Devices#report()}), then the best device's id. */
final class DevicesCommand {
    private DevicesCommand() {
    }

    static int run(List<String> args) {
        new Args("devices", args, Set.of(), Set.of());
        System.out.print(Devices.report());
        List<DeviceInfo> all = Devices.list();
        System.out.println("best: " + (all.isEmpty() ? "none" : all.getFirst().id()));
        return 0;
    }
}
