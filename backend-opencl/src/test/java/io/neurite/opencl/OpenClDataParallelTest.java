package io.neurite.opencl;

import io.neurite.behaviour.DataParallelBehaviour;
import java.util.List;

/** Data-parallel training on cpu:0 and opencl:0 (PoCL in CI), split by measured speed, held to one-device training. */
class OpenClDataParallelTest extends DataParallelBehaviour {
    @Override
    protected List<String> deviceIds() {
        return List.of("cpu:0", "opencl:0");
    }
}
