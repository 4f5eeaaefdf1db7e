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
        CudaGemm own = new CudaGemm(policy);
        Mode mode = mode();
        if (mode == Mode.OWN) return new GemmChoice(own, own.describe() + " (cuBLAS not tried: -D" + PROPERTY + "=own)");
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
        return new GemmChoice(own, own.describe() + " (cuBLAS not used: " + refused + ")");
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
