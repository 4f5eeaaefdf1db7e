package io.neurite.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What {@link Trainer#fit} returns: each logged value per epoch, as Keras' {@code History.history}. */
public final class History {
    private final Map<String, List<Double>> values = new LinkedHashMap<>();

    void add(Map<String, Double> logs) {
        logs.forEach((k, v) -> values.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
    }

    public Map<String, List<Double>> values() {
        return values;
    }

    public List<Double> get(String key) {
        return values.getOrDefault(key, List.of());
    }

    /** The last epoch's value of key, or NaN. */
    public double last(String key) {
        List<Double> v = get(key);
        return v.isEmpty() ? Double.NaN : v.getLast();
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
