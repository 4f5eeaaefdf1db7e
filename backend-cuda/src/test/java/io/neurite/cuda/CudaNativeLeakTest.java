package io.neurite.cuda;

import io.neurite.conformance.NativeLeakContract;

class CudaNativeLeakTest extends NativeLeakContract {
    @Override
    protected String deviceId() {
        return "cuda:0";
    }
}
