/*
 * Ops driven by integer indices: the embedding gather and its scatter-add, and the row argmax
 * behind predictions and accuracy. Ids and labels were checked against their range by the host.
 */

/* out[i, :] = table[ids[i], :], one item per output element. */
KERNEL embedding_gather(int n, int width, GLOBAL const float* table, GLOBAL const int* ids, GLOBAL float* out) {
    int e = GID(0);
    if (e < n) out[e] = table[ids[e / width] * width + e % width];
}

/*
 * dTable[ids[i], :] += dOut[i, :]. Repeated ids collide, so each item owns one column and adds the
 * ids in order: no atomics, and the same sums as the CPU backend's.
 */
KERNEL embedding_scatter(int count, int width, GLOBAL const float* dOut, GLOBAL const int* ids, GLOBAL float* dTable) {
    int j = GID(0);
    if (j >= width) return;
    for (int i = 0; i < count; i++) dTable[ids[i] * width + j] += dOut[i * width + j];
}

/* The first index of row r's maximum (strict >, so ties keep the first; NaN wins only in column 0). */
FN int row_argmax(GLOBAL const float* x, int r, int cols) {
    int off = r * cols, best = 0;
    float m = x[off];
    for (int j = 1; j < cols; j++) {
        if (x[off + j] > m) {
            m = x[off + j];
            best = j;
        }
    }
    return best;
}

KERNEL argmax(int rows, int cols, GLOBAL const float* x, GLOBAL int* out) {
    int r = GID(0);
    if (r < rows) out[r] = row_argmax(x, r, cols);
}

/* count[0] = rows whose argmax is their label, in one work-group (exact below 2^24 rows). */
KERNEL count_correct(int rows, int cols, GLOBAL const float* x, GLOBAL const int* labels, GLOBAL int* count) {
    LOCAL_ARRAY(float, buf, REDUCE_WG);
    float acc = 0.0f;
    for (int r = LID(0); r < rows; r += LSIZE(0)) acc += row_argmax(x, r, cols) == labels[r] ? 1.0f : 0.0f;
    float total = group_sum(buf, acc);
    if (LID(0) == 0) count[0] = (int) total;
}

/* t[0] += v with Kahan's compensation in t[1], in the CPU backend's order (no reassociation: nvcc and OpenCL keep it). */
FN void kahan_add(GLOBAL float* t, float v) {
    float y = v - t[1];
    float s = t[0] + y;
    t[1] = (s - t[0]) - y;
    t[0] = s;
}

/*
 * One batch into a training loop's running totals (Kernels.trainingTotals): the loss sum, the
 * correct count, the first batch whose loss was not finite. One thread: a few flops, so the loop
 * waits for nothing and reads the totals only when it shows them.
 */
KERNEL training_totals(int samples, int batch, STEP_PARAMS, int counted, GLOBAL const float* loss,
                       GLOBAL const int* correct, GLOBAL float* totals) {
    if (GID(0) != 0) return;
    float l = loss[0];
    kahan_add(totals, (float) samples * l);
    if (!isfinite(l) && totals[4] == 0.0f) {
        totals[4] = (float) STEP_I(batch, 0);
        totals[5] = l;
    }
    if (counted) kahan_add(totals + 2, (float) correct[0]);
}
