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
#include "gemm_slices.h"

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
    int fastA = transA, fastB = !transB;
    float ra[GL_LOADS], rb[GL_LOADS];
    gl_fetch_slice(a, fastA, i0, m, b, fastB, j0, n, k, 0, tid, ra, rb);
    gl_store_slice(as, bs, fastA, fastB, tid, ra, rb);
    BARRIER();
    float acc[8][8];
#pragma unroll
    for (int r = 0; r < 8; r++) {
#pragma unroll
        for (int s = 0; s < 8; s++) acc[r][s] = 0.0f;
    }
    for (int p0 = 0, cur = 0; p0 < k; p0 += GL_K, cur ^= 1) {
        int more = p0 + GL_K < k;
        if (more) gl_fetch_slice(a, fastA, i0, m, b, fastB, j0, n, k, p0 + GL_K, tid, ra, rb);
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
        /* the other half was last read before the previous barrier, so it is free */
        if (more) gl_store_slice(as + (cur ^ 1) * GL_SLICE, bs + (cur ^ 1) * GL_SLICE, fastA, fastB, tid, ra, rb);
        BARRIER();
    }
#pragma unroll
    for (int r = 0; r < 8; r++) {
#pragma unroll
        for (int s = 0; s < 8; s++) {
            gl_write(c, i0 + (r / 4) * GL_HALF + ty * 4 + r % 4, j0 + (s / 4) * GL_HALF + tx * 4 + s % 4, m, n, alpha, beta,
                     acc[r][s]);
        }
    }
}
