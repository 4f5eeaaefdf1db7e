package io.neurite.cuda;

import io.neurite.device.DeviceException;
import io.neurite.kernels.KernelEntry;
import java.util.Locale;

/**
 * Which GEMM kernel runs a product. {@link #AUTO} takes the 128 x 128 tiles when both sides of C
 * span at least a tile and the tiles fill every multiprocessor at least once, and gemm_tiled
 * (64 x 64 tiles) otherwise, where fewer, smaller tiles waste less of a thin matrix and still
 * spread over the GPU. The 128 x 128 tiles run on TF32 tensor cores (gemm_tf32) where the device
 * allows them ({@code -Dneurite.cuda.tf32=true} on compute capability 8.0 or newer), in FP32 FMAs
 * (gemm_large) otherwise. The system property {@value #PROPERTY} ({@code auto}, {@code tiled},
 * {@code large} or {@code tf32}) forces one, so each can be checked and timed on any shape.
 */
enum GemmPolicy {
    AUTO, TILED, LARGE, TF32;

    static final String PROPERTY = "neurite.cuda.gemm";

    /** The policy the system property asks for, {@link #AUTO} when unset. */
    static GemmPolicy fromProperty() {
        String v = System.getProperty(PROPERTY, "").strip();
        if (v.isEmpty()) return AUTO;
        try {
            return valueOf(v.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new DeviceException("-D" + PROPERTY + "=" + v + " is not a GEMM choice: use auto, tiled, large or tf32");
        }
    }

    /**
     * The kernel for a batch of m x n products on a GPU with sms multiprocessors; tensorCores
     * says whether TF32 is allowed and the GPU has it.
     */
    KernelEntry kernel(int m, int n, int batch, int sms, boolean tensorCores) {
        return switch (this) {
            case TILED -> KernelEntry.GEMM_TILED;
            case LARGE -> KernelEntry.GEMM_LARGE;
            case TF32 -> KernelEntry.GEMM_TF32;
            case AUTO -> m < 128 || n < 128 || (long) ((m + 127) / 128) * ((n + 127) / 128) * batch < sms ? KernelEntry.GEMM_TILED
                    : tensorCores ? KernelEntry.GEMM_TF32 : KernelEntry.GEMM_LARGE;
        };
    }

    String describe(boolean tensorCores) {
        return switch (this) {
            case AUTO -> "Neurite's PTX SGEMM (128x128 register-blocked tiles for large products"
                    + (tensorCores ? " on TF32 tensor cores (mma.sync)" : "") + ", 64x64 otherwise)";
            case TILED -> "Neurite's PTX SGEMM, 64x64 tiles (forced by -D" + PROPERTY + ")";
            case LARGE -> "Neurite's PTX SGEMM, 128x128 tiles (forced by -D" + PROPERTY + ")";
            case TF32 -> "Neurite's PTX GEMM on TF32 tensor cores (mma.sync), 128x128 tiles (forced by -D" + PROPERTY + ")";
        };
    }
}
