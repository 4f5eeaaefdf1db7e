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
     * {@link Op#GEMM} with B prepared for many products ({@link PreparedGemmB}): the same as
     * {@link #gemm} with op(B) [k, n] kept as the backend's kernels read it. The default only
     * remembers the buffer; the caller must not write b while the result is in use.
     */
    default PreparedGemmB prepareGemmB(boolean transB, int k, int n, Buffer b) {
        return new PreparedGemmB(transB, k, n, b);
    }

    /**
     * {@link Op#GEMM} by a prepared B: {@code c[m,n] = alpha op(a)[m,k] op(b)[k,n] + beta c}, k and
     * n those of b, with the same results as {@link #gemm} on b's source.
     */
    default void gemm(boolean transA, int m, float alpha, Buffer a, PreparedGemmB b, float beta, Buffer c) {
        gemm(transA, b.transB(), m, b.n(), b.k(), alpha, a, b.source(), beta, c);
    }

    /**
     * {@link Op#GEMM_BATCHED}: {@link #gemm} for each i below batch on the matrices starting at
     * i*stride in each buffer; a stride of 0 shares one matrix across the batch.
     */
    void gemmBatched(boolean transA, boolean transB, int batch, int m, int n, int k, float alpha,
                     Buffer a, long strideA, Buffer b, long strideB, float beta, Buffer c, long strideC);

    /**
     * {@link Op#ADD}, {@link Op#SUBTRACT}, {@link Op#MULTIPLY}, {@link Op#DIVIDE}: {@code out = a op b},
     * broadcast; out may be a when a is not broadcast (it has out's shape), as every element is
     * read before the same element is written.
     */
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

    /**
     * {@link Op#TRAINING_TOTALS}: adds batch number batch (from 1) of samples samples to running
     * totals kept on the device, so a training loop reads them now and then rather than waiting for
     * every batch's loss. totals is float32 [{@value #TOTALS}]: [0] the loss sum (samples times each
     * batch's mean loss[0]) and [1] its Kahan compensation, [2] the correct count (correct[0], int32;
     * null adds nothing) and [3] its compensation, [4] the first batch whose loss was not finite (0
     * while none) and [5] that loss. The sum is {@code [0] - [1]} where [1] is finite, else [0].
     */
    void trainingTotals(int samples, int batch, Buffer loss, Buffer correct, Buffer totals);

    /** The length of {@link #trainingTotals}' totals. */
    int TOTALS = 6;

    // ---- recurrent cells ----------------------------------------------------------------------
    // One launch per time step computes every gate of every unit of every sequence. Sequence
    // buffers are time-major: block s of a [steps, batch, X] buffer is the batch*X elements
    // starting at s*batch*X, so a step is one contiguous block and the per-step recurrent product
    // is a plain GEMM. The matrix products are the caller's (GEMM over all steps at once for the
    // input projection and the weight gradients, one GEMM per step for the recurrence). H is
    // units; sigma is the logistic sigmoid 1/(1+exp(-x)). Indices b < batch, j < H. Each
    // (b, j) is independent: a kernel reads and writes only its own unit's elements, so in-place
    // buffers (gates, dc, dh) are safe; no two buffer arguments alias. The CPU backend's
    // CpuRecurrent is the reference implementation.

    /**
     * {@link Op#LSTM_CELL} forward of step t. Gate order i, f, g, o (Keras' i, f, c, o; PyTorch's
     * i, f, g, o): the gate k of unit j is column k*H + j of a [.., 4H] row.
     * <ul>
     * <li>gates [t+1 or more blocks, batch, 4H]: on entry block t holds {@code x_t W}, the input
     *     projection without bias; on return it holds the activated gates {@code i = sigma(.),
     *     f = sigma(.), g = tanh(.), o = sigma(.)} of {@code a = x_t W + rec + bias}, which the
     *     backward reads. Other blocks are untouched.</li>
     * <li>rec [batch, 4H]: {@code h_{t-1} U}, the recurrent projection. bias [4H].</li>
     * <li>c [t+2 or more blocks, batch, H]: block t holds {@code c_{t-1}} (block 0 the initial cell
     *     state); block t+1 receives {@code c_t = f c_{t-1} + i g}.</li>
     * <li>h [t+2 or more blocks, batch, H]: block t+1 receives {@code h_t = o tanh(c_t)}; no block is read.</li>
     * <li>hNext [batch, H]: receives {@code h_t} as well, contiguous, for the next step's GEMM.</li>
     * </ul>
     */
    void lstmCellForward(int batch, int units, int t, Buffer gates, Buffer rec, Buffer bias, Buffer c, Buffer h, Buffer hNext);

    /**
     * {@link Op#LSTM_CELL} backward of step t, after the forward of steps 0..t. With
     * {@code dh_t = dOut[t] + dh} and {@code dc_t = dc + dh_t o (1 - tanh(c_t)^2)}:
     * {@code da_i = dc_t g i (1-i)}, {@code da_f = dc_t c_{t-1} f (1-f)}, {@code da_g = dc_t i (1-g^2)},
     * {@code da_o = dh_t tanh(c_t) o (1-o)}.
     * <ul>
     * <li>gates block t (activated, from the forward); c blocks t and t+1 ({@code c_{t-1}}, {@code c_t}).</li>
     * <li>dOut [t+1 or more blocks, batch, H]: block t is dL/dh_t from outside the recurrence (the layer's output).</li>
     * <li>dh [batch, H], read only: dL/dh_t through the recurrence ({@code da_{t+1} U^T}; zeros for the last step).</li>
     * <li>dc [batch, H], in place: on entry dL/dc_t from step t+1 (zeros for the last step); on return
     *     dL/dc_{t-1} = dc_t f.</li>
     * <li>dz [t+1 or more blocks, batch, 4H]: block t receives (da_i, da_f, da_g, da_o), the gradient of
     *     both {@code x_t W + bias} and {@code h_{t-1} U}.</li>
     * <li>dzNext [batch, 4H]: receives the same, contiguous, for the GEMM {@code dh_{t-1} = dz_t U^T}.</li>
     * </ul>
     */
    void lstmCellBackward(int batch, int units, int t, Buffer gates, Buffer c, Buffer dOut, Buffer dh, Buffer dc,
                          Buffer dz, Buffer dzNext);

    /**
     * {@link Op#GRU_CELL} forward of step t, Keras' {@code reset_after=True} form (PyTorch's): gate
     * order z, r, n (Keras' z, r, h), gate k of unit j at column k*H + j of a [.., 3H] row;
     * {@code z = sigma(x_z + bi_z + r_z + br_z)}, {@code r = sigma(x_r + bi_r + r_r + br_r)},
     * {@code n = tanh(x_n + bi_n + r (r_n + br_n))}, {@code h_t = z h_{t-1} + (1 - z) n}, where x is
     * {@code x_t W}, r_* is {@code h_{t-1} U}, bi the input bias and br the recurrent bias.
     * <ul>
     * <li>gates [t+1 or more blocks, batch, 3H]: on entry block t holds {@code x_t W} without bias; on
     *     return it holds (z, r, n).</li>
     * <li>rec [batch, 3H]: {@code h_{t-1} U} without bias. bias [2, 3H]: row 0 input bias bi, row 1 recurrent bias br.</li>
     * <li>hCand [t+1 or more blocks, batch, H]: block t receives {@code r_n + br_n}, what the reset gate
     *     multiplies (the backward needs it).</li>
     * <li>h [t+2 or more blocks, batch, H]: block t holds {@code h_{t-1}} (block 0 the initial state);
     *     block t+1 receives {@code h_t}.</li>
     * <li>hNext [batch, H]: receives {@code h_t} as well, contiguous.</li>
     * </ul>
     */
    void gruCellForward(int batch, int units, int t, Buffer gates, Buffer rec, Buffer bias, Buffer hCand, Buffer h, Buffer hNext);

    /**
     * {@link Op#GRU_CELL} backward of step t, after the forward of steps 0..t. With
     * {@code dh_t = dOut[t] + dh}: {@code da_n = dh_t (1-z) (1-n^2)}, {@code da_r = da_n hCand r (1-r)},
     * {@code da_z = dh_t (h_{t-1} - n) z (1-z)}.
     * <ul>
     * <li>gates block t, hCand block t and h block t ({@code h_{t-1}}), from the forward.</li>
     * <li>dOut [t+1 or more blocks, batch, H]: block t is dL/dh_t from outside the recurrence.</li>
     * <li>dh [batch, H], in place: on entry dL/dh_t through the recurrence (zeros for the last step); on
     *     return {@code dh_t z}, the direct part of dL/dh_{t-1}, to which the caller's GEMM adds
     *     {@code dRec_t U^T} (beta 1).</li>
     * <li>dx [t+1 or more blocks, batch, 3H]: block t receives (da_z, da_r, da_n), the gradient of
     *     {@code x_t W + bi}.</li>
     * <li>dRec [t+1 or more blocks, batch, 3H]: block t receives (da_z, da_r, da_n r), the gradient of
     *     {@code h_{t-1} U + br}.</li>
     * <li>dRecNext [batch, 3H]: receives dRec's block t as well, contiguous.</li>
     * </ul>
     */
    void gruCellBackward(int batch, int units, int t, Buffer gates, Buffer hCand, Buffer h, Buffer dOut, Buffer dh,
                         Buffer dx, Buffer dRec, Buffer dRecNext);
}
