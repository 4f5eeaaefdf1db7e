package io.neurite.cpu;

import java.util.logging.Logger;

/**
 * Whether the incubating Vector API ({@code --add-modules jdk.incubator.vector}) is present. As
 * Lucene does, the backend then uses it and otherwise falls back to scalar loops, warning once.
 * Only classes loaded after this check may reference {@code jdk.incubator.vector}.
 */
final class VectorSupport {
    static final boolean AVAILABLE = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
            && !Boolean.getBoolean("neurite.cpu.scalar");

    static {
        if (!AVAILABLE && !Boolean.getBoolean("neurite.cpu.scalar")) {
            Logger.getLogger(VectorSupport.class.getName()).warning(
                    "neurite: jdk.incubator.vector is not enabled; the CPU backend uses scalar loops and runs several "
                            + "times slower. Start java with --add-modules jdk.incubator.vector");
        }
    }

    private VectorSupport() {
    }

    static String describe() {
        return AVAILABLE ? "Vector API " + VectorInfo.species() : "scalar loops (Vector API not enabled)";
    }
}
