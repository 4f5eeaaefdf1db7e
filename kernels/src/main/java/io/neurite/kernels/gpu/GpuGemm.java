package io.neurite.kernels.gpu;

import io.neurite.kernels.gpu.GpuDriver.DeviceMemory;

/**
 * A backend's GEMM: the one op whose kernels differ between the GPU backends (CUDA picks between
 * two tile sizes, OpenCL between local-memory tiles and packed panels for CPU drivers), so each
 * backend brings its own and {@link GpuDevice} calls it for GEMM and for convolution's products.
 */
public interface GpuGemm {
    /**
     * {@code C = alpha op(A) op(B) + beta C} for each of batch products, operands at element
     * offsets with a per-product stride (0 shares one matrix); arguments were checked by the SPI.
     * Called under the device's lock; scratch comes from {@link GpuDevice#scratch}.
     */
    void run(GpuDevice d, boolean ta, boolean tb, int batch, int m, int n, int k, float alpha, DeviceMemory a, int aOff,
             int sa, DeviceMemory b, int bOff, int sb, float beta, DeviceMemory c, int cOff, int sc);

    /** How products run, for the device description. */
    String describe();

    /** Releases what the GEMM holds (a library handle); called when the device closes, before its driver. */
    default void close() {
    }
}
