package io.neurite.opencl;

import io.neurite.behaviour.Behaviour;

/** Core's model-level behaviour suites on the first OpenCL device (PoCL on the CPU in CI). */
class OpenClBehaviourTest extends Behaviour {
    @Override
    protected String deviceId() {
        return "opencl:0";
    }
}
