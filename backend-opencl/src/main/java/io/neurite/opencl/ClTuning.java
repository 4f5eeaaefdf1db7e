package io.neurite.opencl;

/**
 * How a device runs the kernels that have a GPU and a CPU form: which {@link GemmVariant}, and
 * how many elements of a row one work item of a row walk takes (CHUNKED in prelude.h). GPUs get
 * the tiled GEMM and one element per item, so that neighbouring items touch neighbouring
 * addresses; CPU devices get the packed GEMM and runs of {@value #CPU_RUN} elements, because there
 * an item is scalar code and a run amortises its index arithmetic (this made a broadcast add 15
 * times faster on PoCL). Tests open a CPU device with the GPU form too, so both are checked
 * wherever the tests run.
 *
 * @param gemm   the GEMM kernel
 * @param rowRun elements of a row per work item
 */
record ClTuning(GemmVariant gemm, int rowRun) {
    static final int CPU_RUN = 64;
    /** What a GPU gets. */
    static final ClTuning GPU = new ClTuning(GemmVariant.TILED, 1);
    /** What a CPU device gets. */
    static final ClTuning CPU = new ClTuning(GemmVariant.PACKED, CPU_RUN);

    /** The tuning for a device: by its type, with the GEMM variant overridable by a system property. */
    static ClTuning of(ClContext ctx) {
        return new ClTuning(GemmVariant.choose(ctx), ctx.isCpu() ? CPU_RUN : 1);
    }

    String describe(ClContext ctx) {
        return "GEMM " + gemm.describe(ctx) + ", rows in runs of " + rowRun;
    }
}
