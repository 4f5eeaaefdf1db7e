package io.neurite.opencl;

import io.neurite.conformance.NativeLeakContract;

class OpenClNativeLeakTest extends NativeLeakContract {
    @Override
    protected String deviceId() {
        return "opencl:0";
    }
}
