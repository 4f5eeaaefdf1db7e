package io.neurite.opencl;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Keeps the JVM's own signal handlers in place around calls into an OpenCL implementation.
 *
 * <p>PoCL loads LLVM, and LLVM replaces the handlers of SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP
 * and SIGUSR2 with its crash reporter (seen with {@code -Xcheck:jni}: "SIGSEGV handler modified",
 * now in libLLVM). HotSpot relies on those signals in normal running: a null check in compiled
 * code is a load that faults, and the JVM's handler turns the fault into a deoptimisation or a
 * NullPointerException. With LLVM's handler in its place such a fault killed the process (the
 * MNIST job on the best device died with SIGSEGV in a worker thread about one run in ten,
 * without an hs_err file). So each call that may load or initialise LLVM (discovery, context
 * creation, program builds) runs between a save and a restore of these handlers, through
 * {@code sigaction} called with the FFM API. LLVM only loses its crash stack traces.
 *
 * <p>Linux only (the signal numbers are Linux's); elsewhere, or if {@code sigaction} cannot be
 * found, calls run unguarded. Setting {@code -Dneurite.opencl.keepSignals=false} turns it off.
 */
final class SignalHandlers {
    /** SIGILL, SIGTRAP, SIGBUS, SIGFPE, SIGSEGV, SIGUSR2 on Linux. */
    private static final int[] SIGNALS = {4, 5, 7, 8, 11, 12};
    /** Room for one {@code struct sigaction} (152 bytes with glibc), kept opaque: it is only copied back. */
    private static final long ACTION_BYTES = 256;
    private static final MethodHandle SIGACTION = lookup();

    private SignalHandlers() {
    }

    /** Runs action and puts back whatever handlers it replaced. */
    static <T> T preserving(Supplier<T> action) {
        if (SIGACTION == null) return action.get();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment saved = arena.allocate(ACTION_BYTES * SIGNALS.length, 16);
            for (int i = 0; i < SIGNALS.length; i++) call(SIGNALS[i], MemorySegment.NULL, slot(saved, i));
            try {
                return action.get();
            } finally {
                for (int i = 0; i < SIGNALS.length; i++) call(SIGNALS[i], slot(saved, i), MemorySegment.NULL);
            }
        }
    }

    /** {@link #preserving(Supplier)} for an action with no result. */
    static void preserving(Runnable action) {
        preserving(() -> {
            action.run();
            return null;
        });
    }

    /**
     * The address of the handler now installed for signal (the first field of its
     * {@code struct sigaction}), or 0 where this class is inactive; for tests.
     */
    static long handler(int signal) {
        if (SIGACTION == null) return 0;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment now = arena.allocate(ACTION_BYTES, 16);
            call(signal, MemorySegment.NULL, now);
            return now.get(ValueLayout.JAVA_LONG, 0);
        }
    }

    private static MemorySegment slot(MemorySegment saved, int i) {
        return saved.asSlice(i * ACTION_BYTES, ACTION_BYTES);
    }

    private static void call(int signal, MemorySegment act, MemorySegment old) {
        try {
            int rc = (int) SIGACTION.invokeExact(signal, act, old);
            if (rc != 0) throw new IllegalStateException("sigaction(" + signal + ") failed");
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("sigaction(" + signal + ")", t);
        }
    }

    private static MethodHandle lookup() {
        if (!Boolean.parseBoolean(System.getProperty("neurite.opencl.keepSignals", "true"))) return null;
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) return null;
        try {
            Linker linker = Linker.nativeLinker();
            return linker.defaultLookup().find("sigaction").map(f -> linker.downcallHandle(f,
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS)))
                    .orElse(null);
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }
}
