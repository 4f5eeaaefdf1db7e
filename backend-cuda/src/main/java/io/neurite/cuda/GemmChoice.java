package io.neurite.cuda;

import io.neurite.device.DeviceException;
import io.neurite.kernels.gpu.GpuGemm;
import java.util.Locale;

/**
 * Which GEMM a CUDA device runs. {@code auto} (the default) takes cuBLAS where a library binds
 * ({@link CublasLibrary}: CUDA 13's or 12's) and a handle opens, and Neurite's own PTX kernels
 * otherwise; the description says which, and why cuBLAS was refused (each file looked for, each
 * error). {@code -Dneurite.cuda.blas=cublas} insists (an error when it cannot), {@code own} never
 * tries it, so either path can be checked and timed on any GPU.
 *
 * @param gemm        the GEMM
 * @param description what the device description says of it
 */
record GemmChoice(GpuGemm gemm, String description) {
    static final String PROPERTY = "neurite.cuda.blas";

    enum Mode { AUTO, CUBLAS, OWN }

    static Mode mode() {
        String v = System.getProperty(PROPERTY, "").strip();
        if (v.isEmpty()) return Mode.AUTO;
        try {
            return Mode.valueOf(v.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new DeviceException("-D" + PROPERTY + "=" + v + " is not a GEMM library choice: use auto, cublas or own");
        }
    }

    /** The choice for an open context, as the class comment says. */
    static GemmChoice open(String id, CudaContext ctx, GemmPolicy policy) {
        Mode mode = mode();
        if (mode == Mode.OWN) return own(id, ctx, policy, "cuBLAS not tried: -D" + PROPERTY + "=own");
        CublasLibrary.Found found = CublasLibrary.locate();
        String refused;
        if (found.library() == null) {
            refused = found.why();
        } else {
            try {
                boolean tf32 = Boolean.getBoolean(CublasGemm.TF32_PROPERTY);
                CublasGemm g = new CublasGemm(id, found.library(), ctx.streamAddress(), tf32, ctx::address, ctx::makeCurrent);
                return new GemmChoice(g, g.describe());
            } catch (DeviceException e) {
                refused = found.library().path + ": " + e.getMessage();
            }
        }
        if (mode == Mode.CUBLAS) throw new DeviceException(id + ": cuBLAS was asked for (-D" + PROPERTY + "=cublas) but: " + refused);
        return own(id, ctx, policy, "cuBLAS not used: " + refused);
    }

    /**
     * Neurite's own kernels: on TF32 tensor cores where {@value CublasGemm#TF32_PROPERTY} (or
     * {@code -Dneurite.cuda.gemm=tf32}) asks and the GPU has them, loading their program then.
     */
    private static GemmChoice own(String id, CudaContext ctx, GemmPolicy policy, String why) {
        int cc = ctx.capability();
        boolean asked = policy == GemmPolicy.TF32 || Boolean.getBoolean(CublasGemm.TF32_PROPERTY);
        if (asked && cc < CudaGemm.TF32_CAPABILITY) {
            if (policy == GemmPolicy.TF32) {
                throw new DeviceException(id + ": -D" + GemmPolicy.PROPERTY + "=tf32 needs TF32 tensor cores (compute capability 8.0 or"
                        + " newer); this GPU is compute " + cc / 10 + "." + cc % 10);
            }
            why += "; TF32 asked for, but compute " + cc / 10 + "." + cc % 10 + " has no TF32 tensor cores: FP32";
        }
        boolean tensorCores = asked && cc >= CudaGemm.TF32_CAPABILITY;
        if (tensorCores) ctx.loadTf32();
        CudaGemm gemm = new CudaGemm(policy, tensorCores);
        return new GemmChoice(gemm, gemm.describe() + " (" + why + ")");
    }

    /** What a device will run, said before it is opened (bench devices): cuBLAS is only located, not started. */
    static String preview() {
        Mode mode;
        try {
            mode = mode();
        } catch (DeviceException e) {
            return "GEMM: " + e.getMessage();
        }
        if (mode == Mode.OWN) return "GEMM: Neurite's PTX kernels (-D" + PROPERTY + "=own)";
        CublasLibrary.Found found = CublasLibrary.locate();
        return found.library() != null ? "GEMM: cuBLAS (" + found.library().path + ")"
                : "GEMM: Neurite's PTX kernels (cuBLAS not found: " + found.why() + ")";
    }
}
