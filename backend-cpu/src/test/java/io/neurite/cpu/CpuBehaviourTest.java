package io.neurite.cpu;

import io.neurite.behaviour.Behaviour;

/** Core's model-level behaviour suites on cpu:0, the reference: known values asserted at full strength. */
class CpuBehaviourTest extends Behaviour {
    @Override
    protected String deviceId() {
        return "cpu:0";
    }
}
