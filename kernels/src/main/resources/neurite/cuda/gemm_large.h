/*
 * The CUDA backend's GEMM for large products, beside gemm_tiled (neurite/common/gemm.h), which
 * it uses for small ones. Same arguments and semantics as gemm_tiled: C = alpha op(A) op(B) +
 * beta C for product GROUP(2) of a batch, operands at element offsets with per-product strides,
 * and beta = 0 never reads C.
 *
 * Why a second kernel: gemm_tiled's 4 x 4 register block issues one shared-memory load per two
 * FMAs and tops out well below the FP32 peak. Here a block of GL_THREADS threads computes a
 * GL_TILE x GL_TILE tile of C, each thread an 8 x 8 block held in 64 registers, reading its
 * operands from shared memory four floats at a time (LDS4): 16 FMAs per load. Each thread's rows
 * (and columns) are two runs of four, GL_TILE / 2 apart, so a warp's loads are broadcasts (A) or
 * one contiguous 256-byte run (B). The next GL_K-deep slice of A and B is fetched into registers
 * while the current one is multiplied, and stored into the other half of a double buffer: one
 * barrier per slice. Global loads are scalar and bounds-checked (zero past the edges), so any
 * shape, offset and transpose works; neighbouring threads read neighbouring addresses whichever
 * operand is transposed.
 */
#define GL_TILE 128
#define GL_HALF (GL_TILE / 2)
#define GL_K 8
#define GL_THREADS 256
/* Shared rows are padded so the stores of a row-major operand (8 threads per row) hit 32 banks. */
#define GL_ROW (GL_TILE + 4)
#define GL_SLICE (GL_K * GL_ROW)
/* Elements of one operand's slice each thread loads: GL_TILE * GL_K / GL_THREADS. */
#define GL_LOADS 4

/*
 * Where load s (of GL_LOADS) of thread tid falls in a GL_TILE x GL_K slice: `along` (the tile's
 * row of A or column of B) and `depth`; alongFastest when the operand is contiguous along the tile.
 */
FN int gl_along(int alongFastest, int tid, int s) {
    return alongFastest ? tid % GL_TILE : tid / GL_K + (GL_THREADS / GL_K) * s;
}

FN int gl_depth(int alongFastest, int tid, int s) {
    return alongFastest ? tid / GL_TILE + (GL_THREADS / GL_TILE) * s : tid % GL_K;
}

/* Element (along, depth) of an operand that is `lead` wide: contiguous along the tile or along the depth. */
FN float gl_fetch(GLOBAL const float* x, int alongFastest, int along, int alongSize, int depth, int k, int lead) {
    if (along >= alongSize || depth >= k) return 0.0f;
    return alongFastest ? x[depth * lead + along] : x[along * k + depth];
}

KERNEL LAUNCH_BOUNDS(GL_THREADS, 2) gemm_large(int transA, int transB, int m, int n, int k, float alpha,
                                              GLOBAL const float* a, int aOff, int strideA, GLOBAL const float* b,
                                              int bOff, int strideB, float beta, GLOBAL float* c, int cOff,
                                              int strideC) {
    LOCAL_ARRAY_ALIGNED(float, as, 2 * GL_SLICE);
    LOCAL_ARRAY_ALIGNED(float, bs, 2 * GL_SLICE);
    int tid = LID(0), tx = tid % 16, ty = tid / 16;
    int j0 = GROUP(0) * GL_TILE, i0 = GROUP(1) * GL_TILE, q = GROUP(2);
    a += aOff + q * strideA;
    b += bOff + q * strideB;
    c += cOff + q * strideC;
    /* A is contiguous along its rows' index i when transposed (k x m); B along j when not (k x n). */
    int fastA = transA, fastB = !transB;
    float ra[GL_LOADS], rb[GL_LOADS];
#pragma unroll
    for (int s = 0; s < GL_LOADS; s++) {
        ra[s] = gl_fetch(a, fastA, i0 + gl_along(fastA, tid, s), m, gl_depth(fastA, tid, s), k, m);
        rb[s] = gl_fetch(b, fastB, j0 + gl_along(fastB, tid, s), n, gl_depth(fastB, tid, s), k, n);
    }
#pragma unroll
    for (int s = 0; s < GL_LOADS; s++) {
        as[gl_depth(fastA, tid, s) * GL_ROW + gl_along(fastA, tid, s)] = ra[s];
        bs[gl_depth(fastB, tid, s) * GL_ROW + gl_along(fastB, tid, s)] = rb[s];
    }
    BARRIER();
    float acc[8][8];
#pragma unroll
    for (int r = 0; r < 8; r++) {
#pragma unroll
        for (int s = 0; s < 8; s++) acc[r][s] = 0.0f;
    }
    for (int p0 = 0, cur = 0; p0 < k; p0 += GL_K, cur ^= 1) {
        int more = p0 + GL_K < k;
        if (more) {
#pragma unroll
            for (int s = 0; s < GL_LOADS; s++) {
                ra[s] = gl_fetch(a, fastA, i0 + gl_along(fastA, tid, s), m, p0 + GL_K + gl_depth(fastA, tid, s), k, m);
                rb[s] = gl_fetch(b, fastB, j0 + gl_along(fastB, tid, s), n, p0 + GL_K + gl_depth(fastB, tid, s), k, n);
            }
        }
        LOCAL const float* at = as + cur * GL_SLICE;
        LOCAL const float* bt = bs + cur * GL_SLICE;
#pragma unroll
        for (int p = 0; p < GL_K; p++) {
            float4 a0 = LDS4(at + p * GL_ROW + ty * 4), a1 = LDS4(at + p * GL_ROW + GL_HALF + ty * 4);
            float4 b0 = LDS4(bt + p * GL_ROW + tx * 4), b1 = LDS4(bt + p * GL_ROW + GL_HALF + tx * 4);
            float av[8] = {a0.x, a0.y, a0.z, a0.w, a1.x, a1.y, a1.z, a1.w};
            float bv[8] = {b0.x, b0.y, b0.z, b0.w, b1.x, b1.y, b1.z, b1.w};
#pragma unroll
            for (int r = 0; r < 8; r++) {
#pragma unroll
                for (int s = 0; s < 8; s++) acc[r][s] = fma(av[r], bv[s], acc[r][s]);
            }
        }
        if (more) {
            /* the other half was last read before the previous barrier, so it is free */
            LOCAL float* an = as + (cur ^ 1) * GL_SLICE;
            LOCAL float* bn = bs + (cur ^ 1) * GL_SLICE;
#pragma unroll
            for (int s = 0; s < GL_LOADS; s++) {
                an[gl_depth(fastA, tid, s) * GL_ROW + gl_along(fastA, tid, s)] = ra[s];
                bn[gl_depth(fastB, tid, s) * GL_ROW + gl_along(fastB, tid, s)] = rb[s];
            }
        }
        BARRIER();
    }
#pragma unroll
    for (int r = 0; r < 8; r++) {
        int i = i0 + (r / 4) * GL_HALF + ty * 4 + r % 4;
        if (i >= m) continue;
#pragma unroll
        for (int s = 0; s < 8; s++) {
            int j = j0 + (s / 4) * GL_HALF + tx * 4 + s % 4;
            if (j < n) {
                float v = alpha * acc[r][s];
                c[i * n + j] = beta == 0.0f ? v : v + beta * c[i * n + j];
            }
        }
    }
}
