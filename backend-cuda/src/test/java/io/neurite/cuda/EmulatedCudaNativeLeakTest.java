package io.neurite.cuda;

import io.neurite.conformance.NativeLeakContract;

class EmulatedCudaNativeLeakTest extends NativeLeakContract {
    @Override
    protected String deviceId() {
        return "cudaemu:0";
    }
}
