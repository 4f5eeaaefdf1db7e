package io.neurite.device;

import java.lang.ref.Cleaner;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/**
 * The debug switch for native-memory leaks: with {@code -Dneurite.leakCheck=true} every buffer
 * records where it was allocated, and one that is garbage-collected without {@link Buffer#close()}
 * is reported with that place (logged and kept for {@link #leaks()}), so tests can fail on it.
 * Off, it costs nothing per buffer.
 */
public final class LeakTracker {
    private static final Logger LOG = Logger.getLogger(LeakTracker.class.getName());
    private static final Cleaner CLEANER = Cleaner.create();
    private static final List<String> LEAKS = new ArrayList<>();
    /** Read once: a system property lookup per buffer showed up in profiles of small-batch training. */
    private static final boolean ENABLED = Boolean.getBoolean("neurite.leakCheck");

    private LeakTracker() {
    }

    /** Whether allocation sites are being recorded ({@code -Dneurite.leakCheck=true} at startup). */
    public static boolean enabled() {
        return ENABLED;
    }

    /** Reports of buffers collected without close() since the last {@link #clear()}. */
    public static synchronized List<String> leaks() {
        return List.copyOf(LEAKS);
    }

    public static synchronized void clear() {
        LEAKS.clear();
    }

    static void track(Buffer buffer, AtomicBoolean closed) {
        if (!enabled()) return;
        Throwable site = new Throwable("allocated here");
        String what = buffer.toString();
        CLEANER.register(buffer, () -> {
            if (!closed.get()) report(what, site);
        });
    }

    private static synchronized void report(String what, Throwable site) {
        StringBuilder sb = new StringBuilder("leaked ").append(what).append(", garbage-collected without close(); allocated at");
        StackTraceElement[] trace = site.getStackTrace();
        for (int i = 0; i < Math.min(trace.length, 12); i++) sb.append("\n\tat ").append(trace[i]);
        LEAKS.add(sb.toString());
        LOG.warning(sb.toString());
    }
}
