package io.neurite.cpu;

import io.neurite.conformance.BackendConformance;

/** The conformance kit on the CPU backend, which is also the oracle: here the naive references and finite differences do the checking. */
class CpuConformanceTest extends BackendConformance {
    @Override
    protected String deviceId() {
        return "cpu:0";
    }
}
