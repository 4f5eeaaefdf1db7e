package io.neurite.cuda;

import io.neurite.device.DeviceException;
import java.util.Locale;

/**
 * Which GEMM kernel runs a product. {@link #AUTO} takes gemm_large (128 x 128 tiles, 8 x 8 per
 * thread) when both sides of C span at least a tile and the tiles fill every multiprocessor at
 * least once, and gemm_tiled (64 x 64 tiles) otherwise, where fewer, smaller tiles waste less of a
 * thin matrix and still spread over the GPU. The system property {@value #PROPERTY}
 * ({@code auto}, {@code tiled} or {@code large}) forces one, so both can be checked and timed on
 * any shape.
 */
enum GemmPolicy {
    AUTO, TILED, LARGE;

    static final String PROPERTY = "neurite.cuda.gemm";

    /** The policy the system property asks for, {@link #AUTO} when unset. */
    static GemmPolicy fromProperty() {
        String v = System.getProperty(PROPERTY, "").strip();
        if (v.isEmpty()) return AUTO;
        try {
            return valueOf(v.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new DeviceException("-D" + PROPERTY + "=" + v + " is not a GEMM choice: use auto, tiled or large");
        }
    }

    /** Whether a batch of m x n products goes to gemm_large on a GPU with sms multiprocessors. */
    boolean large(int m, int n, int batch, int sms) {
        return switch (this) {
            case TILED -> false;
            case LARGE -> true;
            case AUTO -> m >= 128 && n >= 128 && (long) ((m + 127) / 128) * ((n + 127) / 128) * batch >= sms;
        };
    }

    String describe() {
        return switch (this) {
            case AUTO -> "Neurite's PTX SGEMM (128x128 register-blocked tiles for large products, 64x64 otherwise)";
            case TILED -> "Neurite's PTX SGEMM, 64x64 tiles (forced by -D" + PROPERTY + ")";
            case LARGE -> "Neurite's PTX SGEMM, 128x128 tiles (forced by -D" + PROPERTY + ")";
        };
    }
}
