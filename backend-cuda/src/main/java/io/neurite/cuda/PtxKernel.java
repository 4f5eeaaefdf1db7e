package io.neurite.cuda;

import java.util.Locale;

/**
 * Every kernel the CUDA backend launches, by its entry name in neurite.ptx (the constant's name in
 * lower case). Launches go through these constants only, so a test can check that each one
 * exists in the committed PTX.
 */
enum PtxKernel {
    // neurite/common/elementwise.h
    SCALE, AXPY, BINARY_FLAT, BINARY_STRIDED, COPY_STRIDED, DROPOUT, ACTIVATION, ACTIVATION_BACKWARD, PRELU,
    // neurite/common/optimizers.h
    SGD_STEP, MOMENTUM_STEP, ADAGRAD_STEP, ADADELTA_STEP, RMSPROP_STEP, ADAM_STEP,
    // neurite/common/reductions.h (tree reductions: one block of CudaLauncher.REDUCE_THREADS per output)
    REDUCE_AXIS, BIAS_GRADIENT, PRELU_BACKWARD, BATCH_NORM_FORWARD, BATCH_NORM_BACKWARD, MSE,
    // neurite/common/softmax.h
    SOFTMAX_ROWS, SOFTMAX_BACKWARD_ROWS, SOFTMAX_CROSS_ENTROPY,
    // neurite/common/indexing.h
    EMBEDDING_GATHER, EMBEDDING_SCATTER, ARGMAX, COUNT_CORRECT,
    // neurite/common/recurrent.h
    LSTM_CELL_FORWARD, LSTM_CELL_BACKWARD, GRU_CELL_FORWARD, GRU_CELL_BACKWARD,
    // neurite/common/windows.h
    IM2COL, COL2IM, MAX_POOL_FORWARD, MAX_POOL_BACKWARD, AVG_POOL_FORWARD, AVG_POOL_BACKWARD,
    // neurite/common/gemm.h and neurite/cuda/gemm_large.h
    GEMM_TILED, GEMM_LARGE;

    private final String entry = name().toLowerCase(Locale.ROOT);

    /** The entry name in the PTX. */
    String entry() {
        return entry;
    }
}
