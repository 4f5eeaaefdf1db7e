package io.neurite.bench;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code --name value} and {@code --flag} options of one subcommand; unknown options are errors. */
final class Args {
    private final String command;
    private final Map<String, String> values = new HashMap<>();

    /**
     * @param valued the options that take a value
     * @param flags  the options that do not
     */
    Args(String command, List<String> args, Set<String> valued, Set<String> flags) {
        this.command = command;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (flags.contains(a)) {
                values.put(a, "true");
            } else if (valued.contains(a)) {
                if (i + 1 >= args.size()) throw new IllegalArgumentException(command + ": " + a + " needs a value");
                values.put(a, args.get(++i));
            } else {
                throw new IllegalArgumentException(command + ": unknown option '" + a + "'; options: " + valued + " " + flags);
            }
        }
    }

    String get(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    boolean flag(String name) {
        return values.containsKey(name);
    }

    int getInt(String name, int fallback) {
        String v = values.get(name);
        if (v == null) return fallback;
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(command + ": " + name + " must be an integer, not '" + v + "'");
        }
    }

    /** An integer option that must be at least min. */
    int getInt(String name, int fallback, int min) {
        int v = getInt(name, fallback);
        if (v < min) throw new IllegalArgumentException(command + ": " + name + " must be at least " + min + ", not " + v);
        return v;
    }

    /** A finite number: NaN and the infinities (which Java parses, and which pass range checks such as {@code > 0}) are refused. */
    double getDouble(String name, double fallback) {
        String v = values.get(name);
        if (v == null) return fallback;
        double d;
        try {
            d = Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(command + ": " + name + " must be a number, not '" + v + "'");
        }
        if (!Double.isFinite(d)) throw new IllegalArgumentException(command + ": " + name + " must be a finite number, not '" + v + "'");
        return d;
    }

    /** A finite number that is also finite as a float (1e39 is not). */
    float getFloat(String name, float fallback) {
        double d = getDouble(name, fallback);
        if (!Float.isFinite((float) d)) {
            throw new IllegalArgumentException(command + ": " + name + " " + values.get(name) + " is beyond the float range (at most " + Float.MAX_VALUE + ")");
        }
        return (float) d;
    }
}
