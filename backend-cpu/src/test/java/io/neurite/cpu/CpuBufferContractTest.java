package io.neurite.cpu;

import io.neurite.conformance.BufferContract;

class CpuBufferContractTest extends BufferContract {
    @Override
    protected String deviceId() {
        return "cpu:0";
    }
}
