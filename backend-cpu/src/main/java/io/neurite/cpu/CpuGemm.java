package io.neurite.cpu;

/** GEMM on the CPU (placeholder: plain loops until the packed Vector API kernel lands). */
final class CpuGemm {
    private CpuGemm() {
    }

    /** Row-major {@code c[cOff..] = alpha op(a) op(b) + beta c}, each matrix starting at its offset. */
    static void gemm(boolean ta, boolean tb, int m, int n, int k, float alpha, float[] a, int aOff,
                     float[] b, int bOff, float beta, float[] c, int cOff) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float s = 0;
                for (int p = 0; p < k; p++) {
                    s += a[aOff + (ta ? p * m + i : i * k + p)] * b[bOff + (tb ? j * k + p : p * n + j)];
                }
                int ci = cOff + i * n + j;
                c[ci] = alpha * s + (beta == 0 ? 0 : beta * c[ci]);
            }
        }
    }

    static void gemmBatched(boolean ta, boolean tb, int batch, int m, int n, int k, float alpha, float[] a, int sa,
                            float[] b, int sb, float beta, float[] c, int sc) {
        for (int i = 0; i < batch; i++) gemm(ta, tb, m, n, k, alpha, a, i * sa, b, i * sb, beta, c, i * sc);
    }
}
