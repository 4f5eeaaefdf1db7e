package io.neurite.cuda;

import io.neurite.conformance.BufferContract;

/** The buffer contract on a real GPU; skipped with the provider's reason where there is none. */
class CudaBufferContractTest extends BufferContract {
    @Override
    protected String deviceId() {
        return "cuda:0";
    }
}
