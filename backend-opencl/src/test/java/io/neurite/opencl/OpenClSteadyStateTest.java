package io.neurite.opencl;

import io.neurite.kernels.gpu.GpuSteadyStateContract;

class OpenClSteadyStateTest extends GpuSteadyStateContract {
    @Override
    protected String deviceId() {
        return "opencl:0";
    }
}
