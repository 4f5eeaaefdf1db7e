package io.neurite.opencl;

import io.neurite.conformance.BackendConformance;

/** The conformance kit on the first OpenCL device (PoCL in CI); skipped with the reason where OpenCL is absent. */
class OpenClConformanceTest extends BackendConformance {
    @Override
    protected String deviceId() {
        return "opencl:0";
    }
}
