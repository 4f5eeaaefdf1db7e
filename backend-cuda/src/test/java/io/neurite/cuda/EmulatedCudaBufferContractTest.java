package io.neurite.cuda;

import io.neurite.conformance.BufferContract;

/** The buffer contract on the CUDA backend's buffers and caching allocator, emulated on OpenCL. */
class EmulatedCudaBufferContractTest extends BufferContract {
    @Override
    protected String deviceId() {
        return "cudaemu:0";
    }
}
