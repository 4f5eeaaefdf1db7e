package io.neurite.cpu;

/**
 * The SGEMM engine without the Vector API: row-times-row updates ({@code C[i,:] += A(i,p) B[p,:]})
 * whose inner loop C2 can auto-vectorise. A transposed B is first copied, one k-block at a time,
 * into a row-major block so that inner loop stays contiguous.
 */
final class GemmScalar implements GemmEngine {
    /** k rows of B copied per block: keeps a block of a few hundred columns inside L2. */
    private static final int KC = 256;

    @Override
    public String toString() {
        return "GemmScalar";
    }

    @Override
    public int rowTile() {
        return 1;
    }

    @Override
    public int colTile() {
        return 16;
    }

    @Override
    public void direct(GemmArgs g, int i0, int i1, int j0, int j1) {
        for (int i = i0; i < i1; i++) g.scaleRow(i, j0, j1);
        updateRows(g, i0, i1, j0, j1, 0, g.k(), g.b(), g.bIndex(0, j0), g.n());
    }

    @Override
    public void packed(GemmArgs g, int i0, int i1, int j0, int j1) {
        if (!g.tb()) {
            direct(g, i0, i1, j0, j1);
            return;
        }
        int width = j1 - j0, kc = GemmPack.block(g.k(), KC, 1);
        float[] block = GemmPack.Workspace.get().b(kc * width);
        for (int i = i0; i < i1; i++) g.scaleRow(i, j0, j1);
        for (int p0 = 0; p0 < g.k(); p0 += kc) {
            int len = Math.min(kc, g.k() - p0);
            GemmPack.packB(g, p0, len, j0, width, width, block, 0);
            updateRows(g, i0, i1, j0, j1, p0, len, block, 0, width);
        }
    }

    /**
     * Adds {@code alpha A[i0:i1, p0:p0+len] B} to C[i0:i1, j0:j1], where row p of this k-block of B
     * starts at {@code bStart + (p - p0) ldb} in bs.
     */
    private static void updateRows(GemmArgs g, int i0, int i1, int j0, int j1, int p0, int len,
                                   float[] bs, int bStart, int ldb) {
        float[] a = g.a(), c = g.c();
        int width = j1 - j0;
        for (int i = i0; i < i1; i++) {
            int ci = g.cOff() + i * g.n() + j0;
            for (int p = 0; p < len; p++) {
                float aip = g.alpha() * a[g.aIndex(i, p0 + p)];
                int bi = bStart + p * ldb;
                for (int j = 0; j < width; j++) c[ci + j] += aip * bs[bi + j];
            }
        }
    }
}
