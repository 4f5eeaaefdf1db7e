/*
 * A stand-in for libcublas.so.13 on machines without a GPU: the six entry points Neurite binds,
 * with cuBLAS's column-major semantics and its argument checks (CUBLAS_STATUS_INVALID_VALUE for a
 * leading dimension below the rows it must span), computing on host memory. CublasGemmTest builds
 * it with gcc and checks Neurite's row-major to column-major mapping against it; what it cannot
 * check is the real library on a real GPU.
 */
#include <stdlib.h>

typedef struct { void* stream; int math; } handle_t;
static int last_math = -1;
static int live_handles = 0;

int cublasCreate_v2(handle_t** h) { *h = calloc(1, sizeof(handle_t)); live_handles++; return 0; }
int cublasDestroy_v2(handle_t* h) { free(h); live_handles--; return 0; }
int cublasSetStream_v2(handle_t* h, void* s) { h->stream = s; return 0; }
int cublasSetMathMode(handle_t* h, int m) { h->math = m; last_math = m; return 0; }
int fake_last_math_mode(void) { return last_math; }
int fake_live_handles(void) { return live_handles; }

static float op(const float* m, int ld, int trans, int r, int c) {
    return trans ? m[c + (long) r * ld] : m[r + (long) c * ld];
}

static int gemm(int ta, int tb, int m, int n, int k, const float* alpha, const float* a, int lda, const float* b, int ldb,
                const float* beta, float* c, int ldc) {
    if (m < 0 || n < 0 || k < 0) return 7;
    if (lda < (ta ? (k > 1 ? k : 1) : (m > 1 ? m : 1))) return 7;
    if (ldb < (tb ? (n > 1 ? n : 1) : (k > 1 ? k : 1))) return 7;
    if (ldc < (m > 1 ? m : 1)) return 7;
    for (int j = 0; j < n; j++) {
        for (int i = 0; i < m; i++) {
            double s = 0;
            for (int p = 0; p < k; p++) s += (double) op(a, lda, ta, i, p) * op(b, ldb, tb, p, j);
            float* out = &c[i + (long) j * ldc];
            *out = (float) (*alpha * s + (*beta == 0 ? 0 : *beta * *out)); /* beta 0: C is not read (it may hold NaN) */
        }
    }
    return 0;
}

int cublasSgemm_v2(handle_t* h, int ta, int tb, int m, int n, int k, const float* alpha, const float* a, int lda,
                   const float* b, int ldb, const float* beta, float* c, int ldc) {
    return gemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

int cublasSgemmStridedBatched(handle_t* h, int ta, int tb, int m, int n, int k, const float* alpha, const float* a, int lda,
                              long long sa, const float* b, int ldb, long long sb, const float* beta, float* c, int ldc,
                              long long sc, int batch) {
    if (batch < 0) return 7;
    for (int q = 0; q < batch; q++) {
        int r = gemm(ta, tb, m, n, k, alpha, a + q * sa, lda, b + q * sb, ldb, beta, c + q * sc, ldc);
        if (r != 0) return r;
    }
    return 0;
}
