package io.neurite.cpu;

/**
 * The operands of one product {@code C = alpha op(A) op(B) + beta C}, row-major, each matrix at
 * its offset in its array: op(A) is m x k (A itself k x m when transposed), op(B) is k x n and C
 * is m x n. Engines work on rectangles of C, so one record serves every thread.
 */
record GemmArgs(boolean ta, boolean tb, int m, int n, int k, float alpha, float[] a, int aOff,
                float[] b, int bOff, float beta, float[] c, int cOff) {
    /** Where op(A)[i][p] lives in {@link #a}. */
    int aIndex(int i, int p) {
        return aOff + (ta ? p * m + i : i * k + p);
    }

    /** Where op(B)[p][j] lives in {@link #b}. */
    int bIndex(int p, int j) {
        return bOff + (tb ? j * k + p : p * n + j);
    }

    /**
     * Scales columns [j0, j1) of row i of C by beta before a product is added to it; beta 0
     * writes zeros without reading C, so NaN or garbage there is ignored, as BLAS does.
     */
    void scaleRow(int i, int j0, int j1) {
        int from = cOff + i * n + j0, to = cOff + i * n + j1;
        if (beta == 0) {
            java.util.Arrays.fill(c, from, to, 0f);
        } else if (beta != 1) {
            for (int x = from; x < to; x++) c[x] *= beta;
        }
    }
}
