package io.neurite.cuda;

import io.neurite.cuda.GpuDriver.DeviceMemory;
import io.neurite.device.Buffer;
import io.neurite.kernels.CommonKernels;

/**
 * The CUDA op set: the shared {@link CommonKernels} (the OpenCL backend's kernels, argument lists
 * and plans, compiled into the PTX) on this device's stream, with scratch memory from its caching
 * allocator and the GEMM kernel that {@link GemmPolicy} picks.
 */
final class CudaKernels extends CommonKernels<DeviceMemory> {
    private final CudaDevice d;

    CudaKernels(CudaDevice d) {
        super(d, d.launcher());
        this.d = d;
    }

    @Override
    protected DeviceMemory memory(Buffer b) {
        return CudaLauncher.memory(b);
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
        CudaGemm.run(d, ta, tb, batch, m, n, k, alpha, a, aOff, sa, b, bOff, sb, beta, c, cOff, sc);
    }
}
