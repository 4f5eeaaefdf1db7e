package io.neurite.cuda;

import io.neurite.behaviour.Behaviour;

/** Core's model-level behaviour suites on a real GPU; skipped with the provider's reason where there is none. */
class CudaBehaviourTest extends Behaviour {
    @Override
    protected String deviceId() {
        return "cuda:0";
    }
}
