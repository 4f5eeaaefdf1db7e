package io.neurite.cpu;

import io.neurite.device.Buffer;
import io.neurite.device.DType;
import io.neurite.device.Device;
import io.neurite.device.DeviceInfo;
import io.neurite.device.Kernels;

/** The CPU device: ops run synchronously on the caller's thread and the backend's pool. */
final class CpuDevice extends Device {
    private final Kernels kernels = new CpuKernels();
    private final CpuArrayCache cache = new CpuArrayCache();

    CpuDevice(DeviceInfo info) {
        super(info);
    }

    @Override
    protected Kernels kernels() {
        return kernels;
    }

    @Override
    protected Buffer allocateBuffer(DType dtype, long length) {
        return new CpuBuffer(this, dtype, length, cache, true);
    }

    @Override
    protected Buffer allocateBufferToOverwrite(DType dtype, long length) {
        return new CpuBuffer(this, dtype, length, cache, false);
    }

    @Override
    protected void synchronizeDevice() {
        // Every CPU op has finished when it returns.
    }

    @Override
    protected void closeDevice() {
        // The thread pool is shared by all CPU devices and its threads are daemons; the arrays go to the collector.
        cache.clear();
    }
}
