package io.neurite.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API SGEMM engine, Goto/BLIS style. For each k-block of KC, B is packed into k-major
 * micro-panels of NR = 2 vectors of columns and A, in blocks of MC rows, into micro-panels of
 * MR = 8 rows; the micro-kernel then computes an 8 x 2-vector tile of C (8 x 32 floats with
 * 512-bit vectors) with 16 accumulators held in local variables, broadcasting one element of
 * A and fusing it with two loads of B per step. The packed B micro-panel (KC x NR) stays in L1
 * while the kernel walks down the A block, which stays in L2.
 *
 * <p>The accumulators go to a small per-thread tile with {@code intoArray}, and a separate
 * loop merges the tile into C (with beta on the first k-block, adding on later ones). Keeping
 * the accumulators out of any branch, array or field is what avoids the vector-boxing cliff
 * (5 GFLOP/s instead of 90) measured in the toolchain probe; the extra 32 L1 accesses per tile
 * cost under 1 % against the KC x 16 fused multiply-adds.
 *
 * <p>Only loaded when {@link VectorSupport#AVAILABLE}. Block sizes can be overridden for tuning
 * with {@code -Dneurite.cpu.gemm.kc/.mc/.nc}.
 */
final class GemmVector implements GemmEngine {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int VL = S.length();
    static final int MR = 8;
    static final int NR = 2 * VL;
    private static final int KC = Integer.getInteger("neurite.cpu.gemm.kc", 256);
    private static final int MC = Integer.getInteger("neurite.cpu.gemm.mc", 128);
    private static final int NC = Integer.getInteger("neurite.cpu.gemm.nc", 4096);

    @Override
    public int rowTile() {
        return MR;
    }

    @Override
    public int colTile() {
        return NR;
    }

    @Override
    public void packed(GemmArgs g, int i0, int i1, int j0, int j1) {
        GemmPack.Workspace w = GemmPack.Workspace.get();
        int k = g.k(), n = g.n();
        int kc = GemmPack.block(k, KC, 1);
        int mcMax = GemmPack.block(i1 - i0, MC, MR), ncMax = GemmPack.block(j1 - j0, NC, NR);
        float[] ap = w.a(mcMax * kc), bp = w.b(ncMax * kc), tile = w.tile(MR * NR);
        for (int jc = j0; jc < j1; jc += ncMax) {
            int nc = Math.min(ncMax, j1 - jc);
            for (int pc = 0; pc < k; pc += kc) {
                int kb = Math.min(kc, k - pc);
                GemmPack.packB(g, pc, kb, jc, nc, NR, bp);
                float beta = pc == 0 ? g.beta() : 1f;
                for (int ic = i0; ic < i1; ic += mcMax) {
                    int mc = Math.min(mcMax, i1 - ic);
                    GemmPack.packA(g, ic, mc, pc, kb, MR, ap);
                    int co = g.cOff() + ic * n + jc;
                    for (int jr = 0; jr < nc; jr += NR) {
                        for (int ir = 0; ir < mc; ir += MR) {
                            kernel(kb, ap, ir * kb, bp, jr * kb, tile);
                            merge(tile, g.c(), co + ir * n + jr, n, Math.min(MR, mc - ir), Math.min(NR, nc - jr), beta);
                        }
                    }
                }
            }
        }
    }

    /** The 8 x 2-vector register tile: {@code tile = A panel (kc x MR) . B panel (kc x NR)}. */
    private static void kernel(int kc, float[] ap, int ao, float[] bp, int bo, float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        FloatVector c40 = c00, c41 = c00, c50 = c00, c51 = c00, c60 = c00, c61 = c00, c70 = c00, c71 = c00;
        for (int p = 0; p < kc; p++, ao += MR, bo += NR) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bo), b1 = FloatVector.fromArray(S, bp, bo + VL);
            FloatVector a = FloatVector.broadcast(S, ap[ao]);
            c00 = a.fma(b0, c00);
            c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(S, ap[ao + 1]);
            c10 = a.fma(b0, c10);
            c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(S, ap[ao + 2]);
            c20 = a.fma(b0, c20);
            c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(S, ap[ao + 3]);
            c30 = a.fma(b0, c30);
            c31 = a.fma(b1, c31);
            a = FloatVector.broadcast(S, ap[ao + 4]);
            c40 = a.fma(b0, c40);
            c41 = a.fma(b1, c41);
            a = FloatVector.broadcast(S, ap[ao + 5]);
            c50 = a.fma(b0, c50);
            c51 = a.fma(b1, c51);
            a = FloatVector.broadcast(S, ap[ao + 6]);
            c60 = a.fma(b0, c60);
            c61 = a.fma(b1, c61);
            a = FloatVector.broadcast(S, ap[ao + 7]);
            c70 = a.fma(b0, c70);
            c71 = a.fma(b1, c71);
        }
        c00.intoArray(tile, 0);
        c01.intoArray(tile, VL);
        c10.intoArray(tile, NR);
        c11.intoArray(tile, NR + VL);
        c20.intoArray(tile, 2 * NR);
        c21.intoArray(tile, 2 * NR + VL);
        c30.intoArray(tile, 3 * NR);
        c31.intoArray(tile, 3 * NR + VL);
        c40.intoArray(tile, 4 * NR);
        c41.intoArray(tile, 4 * NR + VL);
        c50.intoArray(tile, 5 * NR);
        c51.intoArray(tile, 5 * NR + VL);
        c60.intoArray(tile, 6 * NR);
        c61.intoArray(tile, 6 * NR + VL);
        c70.intoArray(tile, 7 * NR);
        c71.intoArray(tile, 7 * NR + VL);
    }

    /**
     * {@code C[rows x cols at co] = tile + beta C}; beta 0 never reads C. Whole-width rows use
     * vectors, edge tiles (fewer than NR columns) plain loops.
     */
    private static void merge(float[] tile, float[] c, int co, int ldc, int rows, int cols, float beta) {
        if (cols == NR && beta == 0) {
            for (int r = 0; r < rows; r++, co += ldc) System.arraycopy(tile, r * NR, c, co, NR);
            return;
        }
        if (cols == NR) {
            FloatVector bv = FloatVector.broadcast(S, beta);
            for (int r = 0; r < rows; r++, co += ldc) {
                for (int v = 0; v < NR; v += VL) {
                    FloatVector.fromArray(S, c, co + v).fma(bv, FloatVector.fromArray(S, tile, r * NR + v)).intoArray(c, co + v);
                }
            }
            return;
        }
        for (int r = 0; r < rows; r++, co += ldc) {
            for (int j = 0; j < cols; j++) {
                float t = tile[r * NR + j];
                c[co + j] = beta == 0 ? t : c[co + j] * beta + t;
            }
        }
    }

    @Override
    public void direct(GemmArgs g, int i0, int i1, int j0, int j1) {
        float[] a = g.a(), b = g.b(), c = g.c();
        int width = j1 - j0, bound = S.loopBound(width);
        for (int i = i0; i < i1; i++) {
            g.scaleRow(i, j0, j1);
            int ci = g.cOff() + i * g.n() + j0;
            for (int p = 0; p < g.k(); p++) {
                float aip = g.alpha() * a[g.aIndex(i, p)];
                FloatVector av = FloatVector.broadcast(S, aip);
                int bi = g.bIndex(p, j0);
                int j = 0;
                for (; j < bound; j += VL) {
                    FloatVector.fromArray(S, b, bi + j).fma(av, FloatVector.fromArray(S, c, ci + j)).intoArray(c, ci + j);
                }
                for (; j < width; j++) c[ci + j] += aip * b[bi + j];
            }
        }
    }
}
