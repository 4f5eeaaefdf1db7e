package io.neurite.bench;

import io.neurite.device.Availability;
import io.neurite.device.DeviceInfo;
import io.neurite.device.DeviceProvider;
import io.neurite.device.Devices;
import java.util.List;
import java.util.Set;

/** {@code bench devices}: every provider, available or not with the reason, and each device's description. */
final class DevicesCommand {
    private DevicesCommand() {
    }

    static int run(List<String> args) {
        new Args("devices", args, Set.of(), Set.of());
        for (DeviceProvider p : Devices.providers().values()) {
            Availability a = p.probe();
            if (!a.available()) {
                System.out.printf("%-8s unavailable: %s%n", p.name(), a.reason());
                continue;
            }
            for (DeviceInfo d : a.devices()) System.out.printf("%-8s %s%n", d.id(), d.description());
        }
        List<DeviceInfo> all = Devices.list();
        System.out.println("best: " + (all.isEmpty() ? "none" : all.getFirst().id()));
        return 0;
    }
}
