package io.neurite.device;

/**
 * The one list of operations that defines the SPI. Each entry names a family in {@link Kernels}
 * (its forward and, where training needs one, its backward); a backend answers
 * {@link Device#supports(Op)} for each entry and the conformance kit has cases for each entry.
 * Adding an op means adding it here, to {@link Kernels}, to every backend and to the kit.
 */
public enum Op {
    /** {@link Kernels#gemm}: C = alpha op(A) op(B) + beta C. */
    GEMM,
    /** {@link Kernels#gemmBatched}: the same over a batch with per-operand strides. */
    GEMM_BATCHED,
    /** {@link Kernels#binary} with broadcasting (this covers bias over rows or channels). */
    ADD, SUBTRACT, MULTIPLY, DIVIDE,
    /** {@link Kernels#scale}: y = alpha x. */
    SCALE,
    /** {@link Kernels#axpy}: y += alpha x. */
    AXPY,
    /** {@link Kernels#fill}. */
    FILL,
    /** {@link Kernels#reduce} over the middle axis of [outer, axis, inner]. */
    SUM, MEAN, MAX,
    /** {@link Kernels#biasGradient}: sum over all axes but the channel axis. */
    BIAS_GRADIENT,
    /** {@link Kernels#conv2dForward}, {@link Kernels#conv2dBackwardData}, {@link Kernels#conv2dBackwardFilter}. */
    CONV2D,
    /** {@link Kernels#maxPool2dForward}, {@link Kernels#maxPool2dBackward}. */
    MAX_POOL2D,
    /** {@link Kernels#avgPool2dForward}, {@link Kernels#avgPool2dBackward}. */
    AVG_POOL2D,
    /** {@link Kernels#activation}, {@link Kernels#activationBackward}. */
    RELU, LEAKY_RELU, SIGMOID, TANH,
    /** {@link Kernels#prelu}, {@link Kernels#preluBackward}: one learnt slope per channel. */
    PRELU,
    /** {@link Kernels#softmax}, {@link Kernels#softmaxBackward}, row-wise and numerically stable. */
    SOFTMAX, LOG_SOFTMAX,
    /** {@link Kernels#copy}: strided copies (layout changes, concatenation and split along channels). */
    COPY,
    /** {@link Kernels#softmaxCrossEntropy} on integer labels. */
    SOFTMAX_CROSS_ENTROPY,
    /** {@link Kernels#softmaxCrossEntropyOneHot} on one-hot (or soft) targets. */
    SOFTMAX_CROSS_ENTROPY_ONE_HOT,
    /** {@link Kernels#meanSquaredError}. */
    MSE,
    /** {@link Kernels#optimizerStep} for each rule of {@link OptimizerStep.Rule}. */
    SGD, SGD_MOMENTUM, ADAGRAD, ADADELTA, RMSPROP, ADAM,
    /** {@link Kernels#batchNormForward}, {@link Kernels#batchNormBackward}. */
    BATCH_NORM,
    /** {@link Kernels#dropout}: inverted dropout with a counter-based seeded generator. */
    DROPOUT,
    /** {@link Kernels#embedding}, {@link Kernels#embeddingBackward}. */
    EMBEDDING,
    /** {@link Kernels#argmax}. */
    ARGMAX,
    /** {@link Kernels#countCorrect}: how many rows' argmax equals the label. */
    COUNT_CORRECT,
    /** {@link Kernels#trainingTotals}: one batch's loss and correct count added to running totals on the device. */
    TRAINING_TOTALS,
    /** {@link Kernels#lstmCellForward}, {@link Kernels#lstmCellBackward}: all four gates of one LSTM time step. */
    LSTM_CELL,
    /** {@link Kernels#gruCellForward}, {@link Kernels#gruCellBackward}: all three gates of one GRU time step. */
    GRU_CELL
}
