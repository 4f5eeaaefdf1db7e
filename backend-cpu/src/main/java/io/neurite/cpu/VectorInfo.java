package io.neurite.cpu;

import jdk.incubator.vector.FloatVector;

/** Isolates the Vector API reference so the class loads only where the module is present. */
final class VectorInfo {
    private VectorInfo() {
    }

    static String species() {
        return FloatVector.SPECIES_PREFERRED.vectorBitSize() + "-bit (" + FloatVector.SPECIES_PREFERRED.length() + " floats)";
    }
}
