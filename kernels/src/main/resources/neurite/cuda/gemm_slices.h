/*
 * The operand slices of the CUDA backend's large GEMM kernels (gemm_large.h, gemm_tf32.h): a block
 * of GL_THREADS threads computes a GL_TILE x GL_TILE tile of C, walking k in GL_K-deep slices of A
 * and B that every thread helps load (GL_LOADS elements of each) into a double-buffered shared
 * array, GL_ROW floats a depth. Both kernels load alike and differ only in how they multiply.
 */
#ifndef NEURITE_GEMM_SLICES_H
#define NEURITE_GEMM_SLICES_H

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

/*
 * This thread's GL_LOADS elements of the slice of A and of B that starts at depth p0, into
 * registers ra and rb (zero past the edges). A is contiguous along its rows' index i when
 * transposed (k x m), B along j when not (k x n): fastA = transA, fastB = !transB.
 */
FN void gl_fetch_slice(GLOBAL const float* a, int fastA, int i0, int m, GLOBAL const float* b, int fastB, int j0, int n,
                       int k, int p0, int tid, float* ra, float* rb) {
#pragma unroll
    for (int s = 0; s < GL_LOADS; s++) {
        ra[s] = gl_fetch(a, fastA, i0 + gl_along(fastA, tid, s), m, p0 + gl_depth(fastA, tid, s), k, m);
        rb[s] = gl_fetch(b, fastB, j0 + gl_along(fastB, tid, s), n, p0 + gl_depth(fastB, tid, s), k, n);
    }
}

/* Stores what gl_fetch_slice fetched into the shared slices as and bs, [depth][along], GL_ROW apart. */
FN void gl_store_slice(LOCAL float* as, LOCAL float* bs, int fastA, int fastB, int tid, const float* ra, const float* rb) {
#pragma unroll
    for (int s = 0; s < GL_LOADS; s++) {
        as[gl_depth(fastA, tid, s) * GL_ROW + gl_along(fastA, tid, s)] = ra[s];
        bs[gl_depth(fastB, tid, s) * GL_ROW + gl_along(fastB, tid, s)] = rb[s];
    }
}

/* C[i][j] = alpha acc + beta C[i][j] inside the m x n product; beta = 0 never reads C. */
FN void gl_write(GLOBAL float* c, int i, int j, int m, int n, float alpha, float beta, float acc) {
    if (i >= m || j >= n) return;
    float v = alpha * acc;
    c[i * n + j] = beta == 0.0f ? v : v + beta * c[i * n + j];
}

#endif
