package io.neurite.cuda;

import io.neurite.conformance.BackendConformance;

/**
 * The conformance kit on the CUDA backend's host code, run on an OpenCL CPU device with the CUDA
 * program's own kernel sources ({@link EmulatedCudaProvider}): every op's argument list, launch
 * shape, GEMM and convolution plan and the allocator, without a GPU.
 */
class EmulatedCudaConformanceTest extends BackendConformance {
    @Override
    protected String deviceId() {
        return "cudaemu:0";
    }
}
