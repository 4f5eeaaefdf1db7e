package io.neurite.opencl;

import io.neurite.conformance.BufferContract;

/** The buffer contract on the first OpenCL device. */
class OpenClBufferContractTest extends BufferContract {
    @Override
    protected String deviceId() {
        return "opencl:0";
    }
}
