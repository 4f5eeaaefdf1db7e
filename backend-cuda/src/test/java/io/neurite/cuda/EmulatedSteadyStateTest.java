package io.neurite.cuda;

import io.neurite.kernels.gpu.GpuSteadyStateContract;

class EmulatedSteadyStateTest extends GpuSteadyStateContract {
    @Override
    protected String deviceId() {
        return "cudaemu:0";
    }
}
