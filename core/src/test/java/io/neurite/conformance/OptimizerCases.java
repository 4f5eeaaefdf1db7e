package io.neurite.conformance;

import java.util.List;

/** Conformance cases (stub, to be filled). */
final class OptimizerCases {
    private OptimizerCases() {
    }

    static List<OpCase> cases() {
        return List.of();
    }

    static List<GradCase> gradients() {
        return List.of();
    }
}
