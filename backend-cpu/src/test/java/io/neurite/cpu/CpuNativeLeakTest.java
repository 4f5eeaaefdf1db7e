package io.neurite.cpu;

import io.neurite.conformance.NativeLeakContract;

class CpuNativeLeakTest extends NativeLeakContract {
    @Override
    protected String deviceId() {
        return "cpu:0";
    }
}
