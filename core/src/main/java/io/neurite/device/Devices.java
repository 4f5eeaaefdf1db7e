package io.neurite.device;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;
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
 * {@link #best()} opens the device its provider gives the highest
 * {@linkplain DeviceProvider#priority priority}: a CUDA GPU, then an OpenCL GPU, then the CPU
 * backend, then OpenCL on a CPU; {@link #report()} shows the ranking. It logs its choice in one
 * line (on standard error, unless the application configures java.util.logging itself). The
 * system property {@code neurite.device} or the environment variable
 * {@code NEURITE_DEVICE} (an id such as {@code cpu:0} or {@code cuda:0}) overrides the choice. A
 * device that was asked for and is absent is an error listing what is available and why each
 * missing backend is missing: there is no silent fallback.
 */
public final class Devices {
    private static final Logger LOG = oneLine(Logger.getLogger(Devices.class.getName()));
    private static Map<String, DeviceProvider> providers;

    /** An available device with its provider and the priority the provider gives it. */
    record Ranked(DeviceProvider provider, DeviceInfo info, int priority) {
    }

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

    /** Every available device, in the order {@link #best()} would try them: highest priority first. */
    public static List<DeviceInfo> list() {
        return ranked(providers().values()).stream().map(Ranked::info).toList();
    }

    /** The available devices of these providers, highest priority first; ties keep the providers' order, then each provider's own. */
    static List<Ranked> ranked(Collection<DeviceProvider> providers) {
        List<Ranked> all = new ArrayList<>();
        for (DeviceProvider p : providers) {
            Availability a = p.probe();
            if (a.available()) for (DeviceInfo d : a.devices()) all.add(new Ranked(p, d, p.priority(d)));
        }
        all.sort(Comparator.comparingInt(Ranked::priority).reversed()); // a stable sort: ties stay in order
        return all;
    }

    /** Opens the device the user asked for (property or environment), or else the best one here. */
    public static Device best() {
        String wanted = requested();
        if (wanted != null) return get(wanted);
        List<Ranked> all = ranked(providers().values());
        if (all.isEmpty()) throw new DeviceException("no device is available.\n" + report());
        Ranked chosen = all.getFirst();
        LOG.info(choice(all, providers().values()));
        return chosen.provider().open(chosen.info().ordinal());
    }

    /** The one line best() logs: the device it opens, the others it passed over, and the backends that are missing. */
    static String choice(List<Ranked> ranked, Collection<DeviceProvider> providers) {
        Ranked chosen = ranked.getFirst();
        List<String> others = ranked.subList(1, ranked.size()).stream().map(r -> r.info().id()).toList();
        List<String> missing = providers.stream().filter(p -> !p.probe().available()).map(DeviceProvider::name).toList();
        return "neurite: using " + chosen.info().id() + " (priority " + chosen.priority() + ")"
                + (others.isEmpty() ? "" : "; also here: " + String.join(", ", others))
                + (missing.isEmpty() ? "" : "; unavailable: " + String.join(", ", missing) + " (Devices.report() says why)");
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

    /**
     * The table of every backend on the class path: each device with its priority, the one
     * {@link #best()} picks by priority marked {@code (best)}, or why the backend is unavailable;
     * and the override, when one is set.
     */
    public static String report() {
        return report(providers().values(), requested());
    }

    static String report(Collection<DeviceProvider> providers, String requested) {
        if (providers.isEmpty()) return "  no backend on the class path (add neurite-backend-cpu)\n";
        List<Ranked> ranked = ranked(providers);
        DeviceInfo best = ranked.isEmpty() ? null : ranked.getFirst().info();
        String row = "  %-8s %-10s %-10s %s%n";
        StringBuilder sb = new StringBuilder(String.format(row, "backend", "device", "priority", "description"));
        for (DeviceProvider p : providers) {
            Availability a = p.probe();
            if (!a.available()) {
                sb.append(String.format("  %-8s unavailable: %s%n", p.name(), a.reason()));
                continue;
            }
            for (DeviceInfo d : a.devices()) {
                sb.append(String.format(row, p.name(), d.id(), p.priority(d) + (d.equals(best) ? " (best)" : ""), d.description()));
            }
        }
        if (requested != null) sb.append("  neurite.device / NEURITE_DEVICE asks for ").append(requested).append(": best() opens it instead\n");
        return sb.toString();
    }

    private static String requested() {
        String p = System.getProperty("neurite.device");
        if (p != null && !p.isBlank()) return p.trim();
        String e = System.getenv("NEURITE_DEVICE");
        return e != null && !e.isBlank() ? e.trim() : null;
    }

    /**
     * JUL's default format spends two lines on a record (time and caller, then the message), so
     * unless the application configured logging, this logger prints the message alone.
     */
    private static Logger oneLine(Logger log) {
        boolean configured = System.getProperty("java.util.logging.config.file") != null
                || System.getProperty("java.util.logging.config.class") != null
                || System.getProperty("java.util.logging.SimpleFormatter.format") != null;
        if (configured) return log;
        ConsoleHandler h = new ConsoleHandler();
        h.setFormatter(new Formatter() {
            @Override
            public String format(LogRecord r) {
                return formatMessage(r) + System.lineSeparator();
            }
        });
        log.addHandler(h);
        log.setUseParentHandlers(false);
        return log;
    }
}
