package io.neurite.cuda;

import io.neurite.kernels.gpu.GpuSteadyStateContract;

class CudaSteadyStateTest extends GpuSteadyStateContract {
    @Override
    protected String deviceId() {
        return "cuda:0";
    }
}
