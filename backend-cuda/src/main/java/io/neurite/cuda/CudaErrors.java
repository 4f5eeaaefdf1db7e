package io.neurite.cuda;

import jcuda.driver.CUresult;

/**
 * Turns every {@code CUresult} other than {@code CUDA_SUCCESS} into a {@link CudaException} naming
 * the device, the call with its sizes, the error's name and number, and, for the errors a user
 * can act on, what it means. JCuda's own exceptions stay disabled: return codes are checked here,
 * so each message says which call failed.
 */
final class CudaErrors {
    private CudaErrors() {
    }

    /** Throws unless result is CUDA_SUCCESS. */
    static void check(String device, int result, String call) {
        if (result != CUresult.CUDA_SUCCESS) throw failed(device, result, call);
    }

    static CudaException failed(String device, int result, String call) {
        String hint = hint(result);
        return new CudaException(device + ": " + call + " failed: " + name(result) + (hint.isEmpty() ? "" : "; " + hint),
                result);
    }

    /** The error's name and number, e.g. {@code CUDA_ERROR_OUT_OF_MEMORY (2)}. */
    static String name(int result) {
        String s = CUresult.stringFor(result);
        return (s == null || s.startsWith("INVALID CUresult") ? "unknown CUresult" : s) + " (" + result + ")";
    }

    /** What an error usually means, for those a user can do something about; empty otherwise. */
    static String hint(int result) {
        return switch (result) {
            case CUresult.CUDA_ERROR_UNSUPPORTED_PTX_VERSION ->
                    "the NVIDIA driver is too old for Neurite's kernels, which need a " + PtxModule.load().requiredDriverText();
            case CUresult.CUDA_ERROR_NO_BINARY_FOR_GPU, CUresult.CUDA_ERROR_INVALID_PTX ->
                    "the GPU cannot run Neurite's kernels (PTX for compute capability 7.5 and newer)";
            case CUresult.CUDA_ERROR_JIT_COMPILER_NOT_FOUND, CUresult.CUDA_ERROR_JIT_COMPILATION_DISABLED ->
                    "the driver cannot JIT-compile PTX here (its PTX JIT is missing or disabled)";
            case CUresult.CUDA_ERROR_OUT_OF_MEMORY -> "the GPU is out of memory";
            case CUresult.CUDA_ERROR_NO_DEVICE -> "no CUDA device is visible (check CUDA_VISIBLE_DEVICES)";
            case CUresult.CUDA_ERROR_ILLEGAL_ADDRESS, CUresult.CUDA_ERROR_LAUNCH_FAILED,
                 CUresult.CUDA_ERROR_ILLEGAL_INSTRUCTION, CUresult.CUDA_ERROR_MISALIGNED_ADDRESS,
                 CUresult.CUDA_ERROR_HARDWARE_STACK_ERROR, CUresult.CUDA_ERROR_INVALID_PC ->
                    "a kernel queued earlier failed; this CUDA context is unusable now (a Neurite bug: please report "
                            + "it with the op that ran last)";
            case CUresult.CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES -> "the kernel needs more registers or threads than the GPU has";
            case CUresult.CUDA_ERROR_SYSTEM_DRIVER_MISMATCH, CUresult.CUDA_ERROR_COMPAT_NOT_SUPPORTED_ON_DEVICE ->
                    "the CUDA driver library (libcuda.so.1) does not match the kernel module's driver version";
            default -> "";
        };
    }
}
