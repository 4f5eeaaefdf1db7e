package io.neurite.opencl;

import io.neurite.conformance.ModelConformance;

/** A small CNN trained on opencl:0 and on the CPU oracle gives the same losses and weights. */
class OpenClModelConformanceTest extends ModelConformance {
    @Override
    protected String deviceId() {
        return "opencl:0";
    }
}
