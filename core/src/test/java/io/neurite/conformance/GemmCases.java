package io.neurite.conformance;

import java.util.List;

/** Conformance cases (stub, to be filled). */
final class GemmCases {
    private GemmCases() {
    }

    static List<OpCase> cases() {
        return List.of();
    }

    static List<GradCase> gradients() {
        return List.of();
    }
}
