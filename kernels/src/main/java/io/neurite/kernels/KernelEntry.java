package io.neurite.kernels;

import java.util.Locale;

/**
 * Every kernel entry point of the sources this module ships, by its name in them (the constant's
 * name in lower case), with the program that holds it: the kernels of neurite/common/ are in both
 * the OpenCL program and the PTX, the rest in one of them. The backends launch through these
 * constants only, so their tests can check each program against exactly what its host launches.
 */
public enum KernelEntry {
    // neurite/common/elementwise.h
    SCALE, AXPY, BINARY_FLAT, BINARY_STRIDED, COPY_STRIDED, DROPOUT, ACTIVATION, ACTIVATION_BACKWARD, PRELU,
    // neurite/common/optimizers.h
    SGD_STEP, MOMENTUM_STEP, ADAGRAD_STEP, ADADELTA_STEP, RMSPROP_STEP, ADAM_STEP,
    // neurite/common/reductions.h (tree reductions: one group per output)
    REDUCE_AXIS, BIAS_GRADIENT, PRELU_BACKWARD, BATCH_NORM_FORWARD, BATCH_NORM_BACKWARD, MSE,
    // neurite/common/softmax.h
    SOFTMAX_ROWS, SOFTMAX_BACKWARD_ROWS, SOFTMAX_CROSS_ENTROPY,
    // neurite/common/indexing.h
    EMBEDDING_GATHER, EMBEDDING_SCATTER, ARGMAX, COUNT_CORRECT, TRAINING_TOTALS,
    // neurite/common/recurrent.h
    LSTM_CELL_FORWARD, LSTM_CELL_BACKWARD, GRU_CELL_FORWARD, GRU_CELL_BACKWARD,
    // neurite/common/windows.h
    IM2COL, COL2IM, MAX_POOL_FORWARD, MAX_POOL_BACKWARD, AVG_POOL_FORWARD, AVG_POOL_BACKWARD,
    // neurite/common/gemm.h
    GEMM_TILED,
    // neurite/cuda/gemm_large.h
    GEMM_LARGE(Program.CUDA),
    // neurite/cuda/gemm_tf32.h, the one kernel of neurite_tf32.cu (sm_80+)
    GEMM_TF32(Program.CUDA_TF32),
    // neurite/opencl/gemm_cpu.cl
    GEMM_PACK(Program.OPENCL), GEMM_PACKED(Program.OPENCL);

    /** Which compiled program holds an entry. */
    private enum Program { BOTH, CUDA, CUDA_TF32, OPENCL }

    private final Program program;
    private final String entry = name().toLowerCase(Locale.ROOT);

    KernelEntry() {
        this(Program.BOTH);
    }

    KernelEntry(Program program) {
        this.program = program;
    }

    /** The entry's name in the sources, the OpenCL program and the PTX. */
    public String entry() {
        return entry;
    }

    /** Whether neurite.ptx (neurite/cuda/neurite.cu) holds this entry. */
    public boolean inCuda() {
        return program == Program.BOTH || program == Program.CUDA;
    }

    /** Whether neurite_tf32.ptx (neurite/cuda/neurite_tf32.cu, compiled for sm_80) holds this entry. */
    public boolean inCudaTf32() {
        return program == Program.CUDA_TF32;
    }

    /** Whether the OpenCL program (neurite/opencl/sources.txt) holds this entry. */
    public boolean inOpenCl() {
        return program == Program.BOTH || program == Program.OPENCL;
    }
}
