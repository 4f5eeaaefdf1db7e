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
