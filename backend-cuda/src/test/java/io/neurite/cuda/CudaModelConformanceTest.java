package io.neurite.cuda;

import io.neurite.conformance.ModelConformance;

/** The model-level case on a real GPU; skipped with the provider's reason where there is none. */
class CudaModelConformanceTest extends ModelConformance {
    @Override
    protected String deviceId() {
        return "cuda:0";
    }
}
