package io.neurite.cuda;

import io.neurite.behaviour.Behaviour;

/** Core's model-level behaviour suites on the CUDA backend's host code, emulated on OpenCL ({@link EmulatedCudaProvider}). */
class EmulatedCudaBehaviourTest extends Behaviour {
    @Override
    protected String deviceId() {
        return "cudaemu:0";
    }
}
