package io.neurite.cpu;

import io.neurite.behaviour.DataParallelBehaviour;
import java.util.List;

/** Data-parallel training on two replicas on cpu:0: two independent Device objects from Devices.get("cpu:0"), held to one-device training. */
class CpuDataParallelTest extends DataParallelBehaviour {
    @Override
    protected List<String> deviceIds() {
        return List.of("cpu:0", "cpu:0");
    }
}
