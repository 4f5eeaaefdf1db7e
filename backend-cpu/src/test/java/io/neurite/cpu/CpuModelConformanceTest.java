package io.neurite.cpu;

import io.neurite.conformance.ModelConformance;

/** On the CPU this checks the harness itself and that training is deterministic across two runs. */
class CpuModelConformanceTest extends ModelConformance {
    @Override
    protected String deviceId() {
        return "cpu:0";
    }
}
