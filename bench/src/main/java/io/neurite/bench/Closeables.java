package io.neurite.bench;

import io.neurite.device.Device;
import io.neurite.distributed.DataParallel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * What {@code mnist --devices} opens beyond rank 0's device: the other devices and the
 * data-parallel set, closed together (the set first, before the caller's model and devices); and the figures it adds to the results.
 */
final class Closeables implements AutoCloseable {
    private final List<AutoCloseable> owned = new ArrayList<>();

    /** Takes every device of the list but the first, which the caller closes as its own device. */
    Closeables(List<Device> devices) {
        if (devices != null) owned.addAll(devices.subList(1, devices.size()));
    }

    <T extends AutoCloseable> T add(T t) {
        owned.add(t);
        return t;
    }

    /** The replicas' devices, their shares of a batch, the speeds measured for the split, and the exchange's cost. */
    static void describe(DataParallel p, Map<String, Object> result) {
        List<String> ids = p.replicas().stream().map(m -> m.device().id()).toList();
        DataParallel.Stats s = p.stats();
        result.put("devices", ids);
        result.put("shares", Arrays.stream(p.shares()).boxed().toList());
        result.put("measured_images_per_sec", Arrays.stream(p.measuredSpeeds()).boxed().toList());
        result.put("compute_seconds", s.computeNanos() / 1e9);
        result.put("exchange_seconds", s.exchangeNanos() / 1e9);
        result.put("bytes_per_step", s.steps() == 0 ? 0 : s.bytes() / s.steps());
        System.out.printf("data-parallel on %s: shares %s, measured img/s %s; per step %.2f ms computing, %.2f ms exchanging, %,d bytes copied%n",
                ids, fmt(p.shares(), "%.2f"), fmt(p.measuredSpeeds(), "%.0f"), s.computeNanos() / 1e6 / Math.max(1, s.steps()),
                s.exchangeNanos() / 1e6 / Math.max(1, s.steps()), s.steps() == 0 ? 0 : s.bytes() / s.steps());
    }

    private static String fmt(double[] v, String f) {
        return Arrays.stream(v).mapToObj(x -> String.format(f, x)).toList().toString();
    }

    @Override
    public void close() {
        RuntimeException first = null;
        for (int i = owned.size() - 1; i >= 0; i--) {
            try {
                owned.get(i).close();
            } catch (Exception e) {
                if (first == null) first = e instanceof RuntimeException re ? re : new IllegalStateException(e);
            }
        }
        if (first != null) throw first;
    }
}
