package io.neurite.cuda;

import io.neurite.conformance.ModelConformance;

/** The model-level case (a few training steps agree with the CPU backend's) on the CUDA backend, emulated on OpenCL. */
class EmulatedCudaModelConformanceTest extends ModelConformance {
    @Override
    protected String deviceId() {
        return "cudaemu:0";
    }
}
