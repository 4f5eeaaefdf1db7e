package io.neurite.cuda;

import io.neurite.conformance.BackendConformance;

/** The conformance kit on a real GPU; skipped with the provider's reason where there is none. */
class CudaConformanceTest extends BackendConformance {
    @Override
    protected String deviceId() {
        return "cuda:0";
    }
}
