package io.neurite.cuda;

import io.neurite.behaviour.DataParallelBehaviour;
import java.util.List;

/** Data-parallel training on two emulated CUDA devices (EmulatedCudaProvider), held to one-device training. */
class EmulatedCudaDataParallelTest extends DataParallelBehaviour {
    @Override
    protected List<String> deviceIds() {
        return List.of("cudaemu:0", "cudaemu:1");
    }
}
