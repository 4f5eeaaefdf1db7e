/*
 * GEMM on TF32 tensor cores, for -Dneurite.cuda.tf32=true on GPUs of compute capability 8.0 or
 * newer (Ampere, Hopper): the one kernel of neurite_tf32.cu, whose PTX targets sm_80 (neurite.cu's
 * targets Turing, which has no TF32). Same arguments and semantics as gemm_large, and the same
 * 128 x 128 tiles, slices and double buffer (gemm_slices.h); only the multiplication differs.
 *
 * Each of the 8 warps of a block owns a GT_WM x GT_WN part of the tile and multiplies it with
 * PTX's warp-wide mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 (D = A B + D for a 16 x 8
 * A, an 8 x 8 B, FP32 accumulators): GT_MT x GT_NT of them per GL_K = 8 deep slice. Operands are
 * rounded to TF32 (cvt.rna: to nearest, ties away from zero) once, on their way into shared
 * memory, so each element is rounded once whichever warp reads it. The fragments follow the PTX
 * ISA's layout for this shape ("Matrix Fragments for mma.m16n8k8", .tf32): with g = lane / 4 and
 * t = lane % 4, a lane holds A[g][t], A[g+8][t], A[g][t+4], A[g+8][t+4]; B[t][g], B[t+4][g];
 * and C[g][2t], C[g][2t+1], C[g+8][2t], C[g+8][2t+1]. Reading them from the [depth][along]
 * slices (GL_ROW = GL_TILE + 4 floats a depth) puts a warp's 32 loads in 32 different banks.
 *
 * Without a GPU the tests build this file as OpenCL (ClEmulatedDriver), where MMA_TF32 is
 * mma_tf32_emulated: every lane writes its fragments to local memory and computes its four
 * outputs from the whole warp's, in the layout above, so the kernel's indexing is checked
 * against the ISA's statement of it. That is the one place the two branches differ beyond the
 * prelude's macros, and it must: OpenCL C has no warp-wide instruction to stand in for mma.sync.
 */
#include "gemm_slices.h"

#define GT_WARPS_N 4
#define GT_WM (GL_TILE / (GL_THREADS / 32 / GT_WARPS_N))
#define GT_WN (GL_TILE / GT_WARPS_N)
#define GT_MT (GT_WM / 16)
#define GT_NT (GT_WN / 8)

#if defined(__CUDACC__)

/* x rounded to TF32 (10 mantissa bits) as the tensor cores want it: cvt.rna, ties away from zero. */
FN float tf32_round(float x) {
    uint r;
    asm("cvt.rna.tf32.f32 %0, %1;" : "=r"(r) : "f"(x));
    return __uint_as_float(r);
}

#define MMA_SCRATCH(threads)
#define MMA_TF32(d, a, b) mma_tf32(d, a, b)

/* d += a b for this warp's fragments (layout above). */
FN void mma_tf32(float* d, const float* a, const float* b) {
    asm volatile("mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 {%0, %1, %2, %3}, {%4, %5, %6, %7}, {%8, %9}, "
                 "{%0, %1, %2, %3};"
                 : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
                 : "r"(__float_as_uint(a[0])), "r"(__float_as_uint(a[1])), "r"(__float_as_uint(a[2])),
                   "r"(__float_as_uint(a[3])), "r"(__float_as_uint(b[0])), "r"(__float_as_uint(b[1])));
}

#else

FN float tf32_round(float x) {
    uint u = as_uint(x);
    if ((u & 0x7f800000u) == 0x7f800000u) return x; /* infinities and NaNs as they are */
    return as_float((u + 0x1000u) & 0xffffe000u);
}

/* A lane's six fragment registers (a0..a3, b0, b1) in local memory, per warp of the block. */
#define MMA_SCRATCH(threads) LOCAL_ARRAY(float, mma_scratch, 6 * (threads))
#define MMA_TF32(d, a, b) mma_tf32_emulated(d, a, b, mma_scratch)

FN void mma_tf32_emulated(float* d, const float* a, const float* b, LOCAL float* scratch) {
    int lane = LID(0) % 32, g = lane / 4, t = lane % 4;
    LOCAL float* w = scratch + (LID(0) - lane) * 6;
    for (int r = 0; r < 4; r++) w[lane * 6 + r] = a[r];
    w[lane * 6 + 4] = b[0];
    w[lane * 6 + 5] = b[1];
    BARRIER();
    for (int i = 0; i < 4; i++) {
        int row = g + 8 * (i / 2), col = 2 * t + (i & 1);
        float acc = d[i];
        for (int p = 0; p < 8; p++) {
            /* A[row][p] is register (row / 8) + 2 (p / 4) of lane 4 (row % 8) + p % 4; B[p][col] is b(p / 4) of lane 4 col + p % 4 */
            float av = w[(4 * (row % 8) + p % 4) * 6 + row / 8 + 2 * (p / 4)];
            float bv = w[(4 * col + p % 4) * 6 + 4 + p / 4];
            acc = fma(av, bv, acc);
        }
        d[i] = acc;
    }
    BARRIER();
}

#endif

/* gl_store_slice of the fetched elements rounded to TF32. */
FN void gt_store_rounded(LOCAL float* as, LOCAL float* bs, int fastA, int fastB, int tid, float* ra, float* rb) {
#pragma unroll
    for (int s = 0; s < GL_LOADS; s++) {
        ra[s] = tf32_round(ra[s]);
        rb[s] = tf32_round(rb[s]);
    }
    gl_store_slice(as, bs, fastA, fastB, tid, ra, rb);
}

KERNEL LAUNCH_BOUNDS(GL_THREADS, 2) gemm_tf32(int transA, int transB, int m, int n, int k, float alpha,
                                             GLOBAL const float* a, int aOff, int strideA, GLOBAL const float* b,
                                             int bOff, int strideB, float beta, GLOBAL float* c, int cOff,
                                             int strideC) {
    LOCAL_ARRAY_ALIGNED(float, as, 2 * GL_SLICE);
    LOCAL_ARRAY_ALIGNED(float, bs, 2 * GL_SLICE);
    MMA_SCRATCH(GL_THREADS);
    int tid = LID(0), lane = tid % 32, warp = tid / 32, g = lane / 4, t = lane % 4;
    int wm = (warp / GT_WARPS_N) * GT_WM, wn = (warp % GT_WARPS_N) * GT_WN;
    int j0 = GROUP(0) * GL_TILE, i0 = GROUP(1) * GL_TILE, q = GROUP(2);
    a += aOff + q * strideA;
    b += bOff + q * strideB;
    c += cOff + q * strideC;
    int fastA = transA, fastB = !transB;
    float ra[GL_LOADS], rb[GL_LOADS];
    gl_fetch_slice(a, fastA, i0, m, b, fastB, j0, n, k, 0, tid, ra, rb);
    gt_store_rounded(as, bs, fastA, fastB, tid, ra, rb);
    BARRIER();
    float acc[GT_MT][GT_NT][4];
#pragma unroll
    for (int x = 0; x < GT_MT; x++) {
#pragma unroll
        for (int y = 0; y < GT_NT; y++) {
#pragma unroll
            for (int i = 0; i < 4; i++) acc[x][y][i] = 0.0f;
        }
    }
    for (int p0 = 0, cur = 0; p0 < k; p0 += GL_K, cur ^= 1) {
        int more = p0 + GL_K < k;
        if (more) gl_fetch_slice(a, fastA, i0, m, b, fastB, j0, n, k, p0 + GL_K, tid, ra, rb);
        LOCAL const float* at = as + cur * GL_SLICE;
        LOCAL const float* bt = bs + cur * GL_SLICE;
        float af[GT_MT][4], bf[GT_NT][2];
#pragma unroll
        for (int x = 0; x < GT_MT; x++) {
            int r = wm + 16 * x + g;
            af[x][0] = at[t * GL_ROW + r];
            af[x][1] = at[t * GL_ROW + r + 8];
            af[x][2] = at[(t + 4) * GL_ROW + r];
            af[x][3] = at[(t + 4) * GL_ROW + r + 8];
        }
#pragma unroll
        for (int y = 0; y < GT_NT; y++) {
            bf[y][0] = bt[t * GL_ROW + wn + 8 * y + g];
            bf[y][1] = bt[(t + 4) * GL_ROW + wn + 8 * y + g];
        }
#pragma unroll
        for (int x = 0; x < GT_MT; x++) {
#pragma unroll
            for (int y = 0; y < GT_NT; y++) MMA_TF32(acc[x][y], af[x], bf[y]);
        }
        /* the other half was last read before the previous barrier, so it is free */
        if (more) gt_store_rounded(as + (cur ^ 1) * GL_SLICE, bs + (cur ^ 1) * GL_SLICE, fastA, fastB, tid, ra, rb);
        BARRIER();
    }
#pragma unroll
    for (int x = 0; x < GT_MT; x++) {
#pragma unroll
        for (int y = 0; y < GT_NT; y++) {
#pragma unroll
            for (int i = 0; i < 4; i++) {
                gl_write(c, i0 + wm + 16 * x + g + 8 * (i / 2), j0 + wn + 8 * y + 2 * t + (i & 1), m, n, alpha, beta, acc[x][y][i]);
            }
        }
    }
}
