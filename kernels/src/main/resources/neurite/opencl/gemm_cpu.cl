/*
 * GEMM for CPU devices (PoCL and vendor CPU drivers). A GPU-style kernel with local tiles and
 * barriers runs at 2-3 GFLOP/s there: a CPU driver turns each barrier into a loop over the
 * work-group's items. So here both operands are first packed into zero-padded panels laid out in
 * the order the product reads them (gemm_pack), and then each work item computes an
 * GEMM_MR x GEMM_NR block of C from one panel of each, with GEMM_MR vector accumulators of
 * GEMM_NR floats held in registers and no barriers at all: the structure of a BLAS micro-kernel.
 * The host sets GEMM_NR to a vector width the device prefers (8 or 16) and GEMM_MR to match.
 */
#ifndef GEMM_MR
#define GEMM_MR 8
#endif
#ifndef GEMM_NR
#define GEMM_NR 16
#endif
#define GEMM_CAT(a, b) a##b
#define GEMM_XCAT(a, b) GEMM_CAT(a, b)
#define VEC GEMM_XCAT(float, GEMM_NR)
#define VLOAD GEMM_XCAT(vload, GEMM_NR)
#define VSTORE GEMM_XCAT(vstore, GEMM_NR)

/*
 * Packs the rows x depth matrix M (M(i, p) = src[i depth + p] when rowMajor, else src[p rows + i])
 * into panels of width rows: packed[panel][p][r] = M(panel width + r, p), zero past the last row.
 * A is packed as m x k with rowMajor = !transA; B as its transpose, n x k, with rowMajor = transB.
 * One item writes the width values of one (panel, p), so its index arithmetic is paid once per panel row.
 */
KERNEL gemm_pack(int width, int rows, int depth, int rowMajor, GLOBAL const float* src, int srcOff, int srcStride,
                 GLOBAL float* packed, int packedStride) {
    int e = GID(0), q = GID(2), panels = (rows + width - 1) / width;
    if (e >= panels * depth) return;
    int p = e % depth, i0 = (e / depth) * width, n = min(width, rows - i0);
    src += srcOff + q * srcStride;
    GLOBAL float* dst = packed + q * packedStride + e * width;
    if (rowMajor) {
        for (int r = 0; r < n; r++) dst[r] = src[(i0 + r) * depth + p];
    } else {
        for (int r = 0; r < n; r++) dst[r] = src[p * rows + i0 + r];
    }
    for (int r = n; r < width; r++) dst[r] = 0.0f;
}

/* Block (GID(1), GID(0)) of C in batch GID(2), from A's panel GID(1) and B's panel GID(0). */
KERNEL gemm_packed(int m, int n, int k, float alpha, GLOBAL const float* pa, int strideA,
                   GLOBAL const float* pb, int strideB, float beta, GLOBAL float* c, int cOff, int strideC) {
    int tj = GID(0), ti = GID(1), q = GID(2);
    if (tj * GEMM_NR >= n || ti * GEMM_MR >= m) return;
    GLOBAL const float* ap = pa + q * strideA + ti * k * GEMM_MR;
    GLOBAL const float* bp = pb + q * strideB + tj * k * GEMM_NR;
    VEC acc[GEMM_MR];
#pragma unroll
    for (int r = 0; r < GEMM_MR; r++) acc[r] = (VEC) (0.0f);
    for (int p = 0; p < k; p++) {
        VEC bv = VLOAD(0, bp + p * GEMM_NR);
#pragma unroll
        for (int r = 0; r < GEMM_MR; r++) acc[r] = fma((VEC) (ap[p * GEMM_MR + r]), bv, acc[r]);
    }
    c += cOff + q * strideC;
    int j0 = tj * GEMM_NR, cols = min(GEMM_NR, n - j0);
#pragma unroll
    for (int r = 0; r < GEMM_MR; r++) {
        int i = ti * GEMM_MR + r;
        if (i >= m) break;
        GLOBAL float* row = c + i * n + j0;
        VEC v = alpha * acc[r];
        if (cols == GEMM_NR) {
            VSTORE(beta == 0.0f ? v : v + beta * VLOAD(0, row), 0, row);
        } else {
            float part[GEMM_NR];
            VSTORE(v, 0, part);
            for (int j = 0; j < cols; j++) row[j] = beta == 0.0f ? part[j] : part[j] + beta * row[j];
        }
    }
}
