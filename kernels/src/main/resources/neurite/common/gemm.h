/*
 * GEMM for GPUs: C = alpha op(A) op(B) + beta C over a batch (GROUP(2)), with local-memory tiling
 * and register blocking. A work-group of GEMM_THREADS x GEMM_THREADS items computes a
 * GEMM_TILE x GEMM_TILE block of C; each item holds GEMM_PER x GEMM_PER accumulators, its rows and
 * columns GEMM_THREADS apart so that neighbouring items read neighbouring local-memory words. The
 * tiles of A and B go through local memory GEMM_TILE_K deep, loaded so that neighbouring items
 * read neighbouring global addresses whichever operand is transposed. beta = 0 never reads C
 * (BLAS' convention: C may hold NaN). The host picks GEMM_THREADS from the device's work-group limit.
 */
#ifndef GEMM_THREADS
#define GEMM_THREADS 16
#endif
#define GEMM_PER 4
#define GEMM_TILE (GEMM_THREADS * GEMM_PER)
#define GEMM_TILE_K 16

KERNEL gemm_tiled(int transA, int transB, int m, int n, int k, float alpha,
                  GLOBAL const float* a, int aOff, int strideA, GLOBAL const float* b, int bOff, int strideB,
                  float beta, GLOBAL float* c, int cOff, int strideC) {
    LOCAL_ARRAY(float, as, GEMM_TILE_K * GEMM_TILE);
    LOCAL_ARRAY(float, bs, GEMM_TILE_K * GEMM_TILE);
    int tx = LID(0), ty = LID(1), tid = ty * GEMM_THREADS + tx;
    int j0 = GROUP(0) * GEMM_TILE, i0 = GROUP(1) * GEMM_TILE, q = GROUP(2);
    a += aOff + q * strideA;
    b += bOff + q * strideB;
    c += cOff + q * strideC;
    float acc[GEMM_PER][GEMM_PER];
    for (int r = 0; r < GEMM_PER; r++) {
        for (int s = 0; s < GEMM_PER; s++) acc[r][s] = 0.0f;
    }
    for (int p0 = 0; p0 < k; p0 += GEMM_TILE_K) {
        for (int e = tid; e < GEMM_TILE_K * GEMM_TILE; e += GEMM_THREADS * GEMM_THREADS) {
            /* the index that runs along memory varies fastest between neighbouring items */
            int i = transA ? e % GEMM_TILE : e / GEMM_TILE_K, pa = transA ? e / GEMM_TILE : e % GEMM_TILE_K;
            int gi = i0 + i, gp = p0 + pa;
            as[pa * GEMM_TILE + i] = gi < m && gp < k ? a[transA ? gp * m + gi : gi * k + gp] : 0.0f;
            int j = transB ? e / GEMM_TILE_K : e % GEMM_TILE, pb = transB ? e % GEMM_TILE_K : e / GEMM_TILE;
            int gj = j0 + j, gq = p0 + pb;
            bs[pb * GEMM_TILE + j] = gj < n && gq < k ? b[transB ? gj * k + gq : gq * n + gj] : 0.0f;
        }
        BARRIER();
        for (int p = 0; p < GEMM_TILE_K; p++) {
            float bv[GEMM_PER];
            for (int s = 0; s < GEMM_PER; s++) bv[s] = bs[p * GEMM_TILE + tx + s * GEMM_THREADS];
            for (int r = 0; r < GEMM_PER; r++) {
                float av = as[p * GEMM_TILE + ty + r * GEMM_THREADS];
                for (int s = 0; s < GEMM_PER; s++) acc[r][s] = fma(av, bv[s], acc[r][s]);
            }
        }
        BARRIER();
    }
    for (int r = 0; r < GEMM_PER; r++) {
        int i = i0 + ty + r * GEMM_THREADS;
        for (int s = 0; s < GEMM_PER; s++) {
            int j = j0 + tx + s * GEMM_THREADS;
            if (i < m && j < n) {
                float v = alpha * acc[r][s];
                c[i * n + j] = beta == 0.0f ? v : v + beta * c[i * n + j];
            }
        }
    }
}
