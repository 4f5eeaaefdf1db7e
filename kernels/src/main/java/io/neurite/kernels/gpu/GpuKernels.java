package io.neurite.kernels.gpu;

import io.neurite.device.Buffer;
import io.neurite.kernels.CommonKernels;
import io.neurite.kernels.gpu.GpuDriver.DeviceMemory;

/**
 * The op set of a {@link GpuDevice}: the shared {@link CommonKernels} on its stream, with scratch
 * memory from its caching allocator and the backend's {@link GpuGemm}.
 */
final class GpuKernels extends CommonKernels<DeviceMemory> {
    private final GpuDevice d;

    GpuKernels(GpuDevice d) {
        super(d, d.launcher());
        this.d = d;
    }

    @Override
    protected DeviceMemory memory(Buffer b) {
        // Under the device's lock, as closeDevice: an op that passed its checks before another thread
        // closed the device stops here, before it queues work on a released stream or queue.
        d.requireOpenDevice();
        return GpuBuffer.memory(b);
    }

    @Override
    protected void fillWords(DeviceMemory memory, int pattern, long words) {
        d.fill(memory, pattern, words);
    }

    @Override
    protected DeviceMemory placeholder() {
        return d.placeholder();
    }

    @Override
    protected DeviceMemory scratch(Scratch use, long floats) {
        return d.scratch(floats); // the allocator hands out distinct blocks, whatever the use
    }

    @Override
    protected void recycle(DeviceMemory scratch) {
        d.recycle(scratch);
    }

    @Override
    protected void gemm(boolean ta, boolean tb, int batch, int m, int n, int k, float alpha, DeviceMemory a, int aOff, int sa,
                        DeviceMemory b, int bOff, int sb, float beta, DeviceMemory c, int cOff, int sc) {
        d.gemm().run(d, ta, tb, batch, m, n, k, alpha, a, aOff, sa, b, bOff, sb, beta, c, cOff, sc);
    }
}
