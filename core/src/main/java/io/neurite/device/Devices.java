package io.neurite.device;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.logging.Logger;

/**
 * Finds devices through every {@link DeviceProvider} on the class path and picks one.
 *
 * <pre>{@code
 * try (Device d = Devices.best()) {          // or Devices.get("opencl:0")
 *     System.out.println(d);
 * }
 * }</pre>
 *
 * {@link #best()} prefers a CUDA GPU, then an OpenCL GPU, then the CPU backend, then OpenCL on a
 * CPU. The system property {@code neurite.device} or the environment variable
 * {@code NEURITE_DEVICE} (an id such as {@code cpu:0} or {@code cuda:0}) overrides the choice. A
 * device that was asked for and is absent is an error listing what is available and why each
 * missing backend is missing: there is no silent fallback.
 */
public final class Devices {
    private static final Logger LOG = Logger.getLogger(Devices.class.getName());
    private static Map<String, DeviceProvider> providers;

    private Devices() {
    }

    /** Every provider on the class path, by backend name, in a stable order; probes are cached by each provider. */
    public static synchronized Map<String, DeviceProvider> providers() {
        if (providers == null) {
            Map<String, DeviceProvider> m = new LinkedHashMap<>();
            List<DeviceProvider> found = new ArrayList<>();
            ServiceLoader.load(DeviceProvider.class).forEach(found::add);
            found.sort(Comparator.comparing(DeviceProvider::name));
            for (DeviceProvider p : found) m.putIfAbsent(p.name(), p);
            providers = m;
        }
        return providers;
    }

    /** Every available device, in the order {@link #best()} would try them. */
    public static List<DeviceInfo> list() {
        List<DeviceInfo> all = new ArrayList<>();
        for (DeviceProvider p : providers().values()) {
            Availability a = p.probe();
            if (a.available()) all.addAll(a.devices());
        }
        all.sort(Comparator.comparingInt(Devices::rank));
        return all;
    }

    /** Opens the device the user asked for (property or environment), or else the best one here. */
    public static Device best() {
        String wanted = requested();
        if (wanted != null) return get(wanted);
        List<DeviceInfo> all = list();
        if (all.isEmpty()) throw new DeviceException("no device is available.\n" + report());
        DeviceInfo chosen = all.getFirst();
        List<String> skipped = new ArrayList<>();
        for (DeviceInfo d : all.subList(1, all.size())) skipped.add(d.id());
        for (DeviceProvider p : providers().values()) {
            if (!p.probe().available()) skipped.add(p.name() + " (" + p.probe().reason() + ")");
        }
        LOG.info("neurite: using " + chosen.id() + " (" + chosen.description() + "); skipped: "
                + (skipped.isEmpty() ? "none" : String.join(", ", skipped)));
        return providers().get(chosen.backend()).open(chosen.ordinal());
    }

    /** Opens a device by id, e.g. {@code "cuda:0"}; a bare backend name means its device 0. */
    public static Device get(String id) {
        String full = id.contains(":") ? id : id + ":0";
        String backend = full.substring(0, full.indexOf(':'));
        DeviceProvider p = providers().get(backend);
        if (p == null) {
            throw new DeviceException("unknown device '" + id + "': no backend named '" + backend + "'.\n" + report());
        }
        Availability a = p.probe();
        if (!a.available()) {
            throw new DeviceException("device '" + id + "' is not available: " + backend + ": " + a.reason() + ".\n" + report());
        }
        for (DeviceInfo d : a.devices()) {
            if (d.id().equals(full)) return p.open(d.ordinal());
        }
        throw new DeviceException("device '" + id + "' does not exist.\n" + report());
    }

    /** A human-readable table of every backend: its devices, or why it is unavailable. */
    public static String report() {
        StringBuilder sb = new StringBuilder();
        for (DeviceProvider p : providers().values()) {
            Availability a = p.probe();
            if (!a.available()) {
                sb.append(String.format("  %-8s unavailable: %s%n", p.name(), a.reason()));
                continue;
            }
            for (DeviceInfo d : a.devices()) sb.append(String.format("  %-8s %s%n", d.id(), d.description()));
        }
        return sb.isEmpty() ? "  no backend on the class path (add neurite-backend-cpu)\n" : sb.toString();
    }

    private static String requested() {
        String p = System.getProperty("neurite.device");
        if (p != null && !p.isBlank()) return p.trim();
        String e = System.getenv("NEURITE_DEVICE");
        return e != null && !e.isBlank() ? e.trim() : null;
    }

    private static int rank(DeviceInfo d) {
        boolean gpu = d.kind() == DeviceInfo.Kind.GPU;
        return switch (d.backend()) {
            case "cuda" -> gpu ? 0 : 4;
            case "opencl" -> gpu ? 1 : 3;
            case "cpu" -> 2;
            default -> gpu ? 1 : 4;
        };
    }
}
