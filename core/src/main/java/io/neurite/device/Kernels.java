package io.neurite.device;

/**
 * The op set: every computation a backend provides, one method family per {@link Op}. All
 * buffers are row-major float32 unless an int32 buffer is named; images are NCHW. Outputs may
 * not alias inputs unless a method says so. Callers go through {@link Device#ops()}, which checks
 * every argument (device, dtype, lengths, closed buffers, {@link Device#supports}) before a
 * backend sees it, so backends implement the arithmetic only.
 */
public interface Kernels {
    /** {@link Op#GEMM}: {@code c[m,n] = alpha op(a)[m,k] op(b)[k,n] + beta c}; op transposes when asked. */
    void gemm(boolean transA, boolean transB, int m, int n, int k,
              float alpha, Buffer a, Buffer b, float beta, Buffer c);

    /**
     * {@link Op#GEMM_BATCHED}: {@link #gemm} for each i below batch on the matrices starting at
     * i*stride in each buffer; a stride of 0 shares one matrix across the batch.
     */
    void gemmBatched(boolean transA, boolean transB, int batch, int m, int n, int k, float alpha,
                     Buffer a, long strideA, Buffer b, long strideB, float beta, Buffer c, long strideC);

    /** {@link Op#ADD}, {@link Op#SUBTRACT}, {@link Op#MULTIPLY}, {@link Op#DIVIDE}: {@code out = a op b}, broadcast. */
    void binary(Op op, Buffer a, Buffer b, Buffer out, Broadcast shape);

    /** {@link Op#SCALE}: {@code y[i] = alpha x[i]}; y may be x. */
    void scale(int n, float alpha, Buffer x, Buffer y);

    /** {@link Op#AXPY}: {@code y[i] += alpha x[i]}. */
    void axpy(int n, float alpha, Buffer x, Buffer y);

    /** {@link Op#FILL}: every element of x (float32 or int32) becomes value. */
    void fill(Buffer x, float value);

    /** {@link Op#SUM}, {@link Op#MEAN}, {@link Op#MAX}: reduce the middle axis of x [outer, axis, inner] into y [outer, inner]. */
    void reduce(Op op, int outer, int axis, int inner, Buffer x, Buffer y);

    /** {@link Op#BIAS_GRADIENT}: {@code db[c] = sum over o, i of dy[o, c, i]} for dy [outer, channels, inner]. */
    void biasGradient(int outer, int channels, int inner, Buffer dy, Buffer db);

    /** {@link Op#CONV2D}: {@code y = conv(x, w)}; x [n,c,h,w], w [f,c,kh,kw], y [n,f,oh,ow]. */
    void conv2dForward(Conv2dSpec spec, Buffer x, Buffer w, Buffer y);

    /** {@link Op#CONV2D}: {@code dx = dL/dx} given dy (dx is overwritten). */
    void conv2dBackwardData(Conv2dSpec spec, Buffer dy, Buffer w, Buffer dx);

    /** {@link Op#CONV2D}: {@code dw = dL/dw} given x and dy (dw is overwritten). */
    void conv2dBackwardFilter(Conv2dSpec spec, Buffer x, Buffer dy, Buffer dw);

    /** {@link Op#MAX_POOL2D}: y = window max; indices (int32, same length as y, or null) records the winner's flat offset in x. */
    void maxPool2dForward(Pool2dSpec spec, Buffer x, Buffer y, Buffer indices);

    /** {@link Op#MAX_POOL2D}: dx (overwritten) gets each dy at the index its forward recorded. */
    void maxPool2dBackward(Pool2dSpec spec, Buffer dy, Buffer indices, Buffer dx);

    /** {@link Op#AVG_POOL2D}: y = mean over the unpadded cells of each window. */
    void avgPool2dForward(Pool2dSpec spec, Buffer x, Buffer y);

    /** {@link Op#AVG_POOL2D}: dx (overwritten) spreads each dy evenly over its window's unpadded cells. */
    void avgPool2dBackward(Pool2dSpec spec, Buffer dy, Buffer dx);

    /**
     * {@link Op#RELU}, {@link Op#LEAKY_RELU} (negative slope alpha), {@link Op#SIGMOID},
     * {@link Op#TANH}: {@code y = f(x)}; y may be x.
     */
    void activation(Op op, float alpha, int n, Buffer x, Buffer y);

    /** The backward of {@link #activation}: {@code dx = f'(x) dy}, given x and the forward's y. */
    void activationBackward(Op op, float alpha, int n, Buffer x, Buffer y, Buffer dy, Buffer dx);

    /** {@link Op#PRELU}: {@code y = x > 0 ? x : slope[c] x} over x [outer, channels, inner]. */
    void prelu(int outer, int channels, int inner, Buffer x, Buffer slope, Buffer y);

    /** {@link Op#PRELU}: dx and dSlope (overwritten) given x, slope and dy. */
    void preluBackward(int outer, int channels, int inner, Buffer x, Buffer slope, Buffer dy, Buffer dx, Buffer dSlope);

    /** {@link Op#SOFTMAX} or {@link Op#LOG_SOFTMAX} of each row of x [rows, cols], shifted by the row max. */
    void softmax(Op op, int rows, int cols, Buffer x, Buffer y);

    /** The backward of {@link #softmax}, given its output y and dy. */
    void softmaxBackward(Op op, int rows, int cols, Buffer y, Buffer dy, Buffer dx);

    /**
     * {@link Op#COPY}: copies a block of {@code shape} from src (starting at srcOffset, with
     * srcStrides) to dst (starting at dstOffset, with dstStrides). Transposes, layout changes
     * (NHWC to NCHW), and concatenation or split along channels are all this op.
     */
    void copy(int[] shape, Buffer src, long srcOffset, int[] srcStrides, Buffer dst, long dstOffset, int[] dstStrides);

    /**
     * {@link Op#SOFTMAX_CROSS_ENTROPY}: for logits [rows, cols] and int32 labels [rows], writes
     * each row's loss {@code -log softmax(x)[label]} to loss [rows] and, if grad is not null,
     * {@code grad = (softmax(x) - onehot(label)) gradScale}. A label outside [0, cols) is a
     * {@link DeviceException} naming the label and its row (a device backend may detect it on
     * the device and raise it at the next synchronisation).
     */
    void softmaxCrossEntropy(int rows, int cols, Buffer logits, Buffer labels, Buffer loss, Buffer grad, float gradScale);

    /** {@link Op#SOFTMAX_CROSS_ENTROPY_ONE_HOT}: as above with float targets [rows, cols] (one-hot or soft). */
    void softmaxCrossEntropyOneHot(int rows, int cols, Buffer logits, Buffer targets, Buffer loss, Buffer grad, float gradScale);

    /** {@link Op#MSE}: {@code loss[0] = mean (p - t)^2} over n; if grad is not null, {@code grad = 2 (p - t) gradScale}. */
    void meanSquaredError(int n, Buffer prediction, Buffer target, Buffer loss, Buffer grad, float gradScale);

    /** {@link Op#SGD} ... {@link Op#ADAM}: one in-place update of n weights (see {@link OptimizerStep}); unused states may be null. */
    void optimizerStep(OptimizerStep step, int n, Buffer weights, Buffer grad, Buffer state1, Buffer state2);

    /**
     * {@link Op#BATCH_NORM} forward. Training: normalise with the batch statistics, save the
     * batch mean and 1/sqrt(var + eps) per channel in savedMean and savedInvStd, and update the
     * moving statistics. Inference: normalise with the moving statistics (saved buffers unused,
     * may be null).
     */
    void batchNormForward(BatchNormSpec spec, boolean training, Buffer x, Buffer gamma, Buffer beta, Buffer y,
                          Buffer movingMean, Buffer movingVar, Buffer savedMean, Buffer savedInvStd);

    /** {@link Op#BATCH_NORM} backward of a training-mode forward: dx, dGamma and dBeta (all overwritten). */
    void batchNormBackward(BatchNormSpec spec, Buffer x, Buffer gamma, Buffer dy, Buffer savedMean, Buffer savedInvStd,
                           Buffer dx, Buffer dGamma, Buffer dBeta);

    /**
     * {@link Op#DROPOUT}: {@code mask[i] = keep ? 1/(1-rate) : 0} with keep decided by a
     * counter-based hash of (seed, i), so every backend draws the same mask; {@code y = x mask}.
     * The backward is {@link #binary} MULTIPLY by the mask.
     */
    void dropout(int n, float rate, long seed, Buffer x, Buffer mask, Buffer y);

    /**
     * {@link Op#EMBEDDING}: {@code out[i, :] = table[ids[i], :]} for int32 ids [count]; table
     * [vocab, width]. An id outside [0, vocab) is a {@link DeviceException} naming the id and its position.
     */
    void embedding(int count, int width, Buffer table, Buffer ids, Buffer out);

    /** {@link Op#EMBEDDING} backward: {@code dTable[ids[i], :] += dOut[i, :]} (accumulates). */
    void embeddingBackward(int count, int width, Buffer dOut, Buffer ids, Buffer dTable);

    /** {@link Op#ARGMAX}: the first index of each row's maximum, x [rows, cols] into int32 out [rows]. */
    void argmax(int rows, int cols, Buffer x, Buffer out);

    /** {@link Op#COUNT_CORRECT}: how many rows of x [rows, cols] have their argmax equal to the int32 label, into int32 count[0]. */
    void countCorrect(int rows, int cols, Buffer x, Buffer labels, Buffer count);
}
