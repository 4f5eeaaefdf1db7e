package io.neurite.opencl;

import io.neurite.device.DeviceException;
import java.util.Locale;

/**
 * The two GEMM kernels and which one a device gets. GPUs take {@link #TILED} (local-memory tiles,
 * barriers); CPU devices take {@link #PACKED} (packed panels, vector registers, no barriers),
 * because a CPU driver runs each barrier as a loop over the work-group and a tiled GEMM crawls
 * there. The system property {@value #PROPERTY} ({@code tiled} or {@code packed}) overrides the
 * choice, so both kernels can be checked on any device.
 */
enum GemmVariant {
    /** {@code gemm_tiled} in neurite/common/gemm.h, shared with CUDA. */
    TILED,
    /** {@code gemm_pack} and {@code gemm_packed} in neurite/opencl/gemm_cpu.cl. */
    PACKED;

    static final String PROPERTY = "neurite.opencl.gemm";

    /**
     * The variant for a device: the property if set, else by device type (a GPU whose limits do
     * not admit the tiled kernel's work-group gets the packed one).
     */
    static GemmVariant choose(ClContext ctx) {
        String forced = System.getProperty(PROPERTY, "").strip();
        GemmVariant v;
        if (forced.isEmpty()) {
            v = ctx.isCpu() || !ctx.tiledGemmFits ? PACKED : TILED;
        } else {
            try {
                v = valueOf(forced.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new DeviceException("-D" + PROPERTY + "=" + forced + " is not a GEMM variant: use tiled or packed");
            }
        }
        if (v == TILED && !ctx.tiledGemmFits) {
            throw new DeviceException(ctx.id + ": the tiled GEMM needs work-groups of " + ctx.gemmThreads * ctx.gemmThreads
                    + " items, more than this device allows for it; use -D" + PROPERTY + "=packed");
        }
        return v;
    }

    String describe(ClContext ctx) {
        return this == TILED
                ? "tiled " + ctx.gemmThreads * 4 + "x" + ctx.gemmThreads * 4 + " in local memory"
                : "packed, " + ctx.gemmMr + "x" + ctx.gemmNr + " register blocks";
    }
}
