package io.neurite.cpu;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API SGEMM engine, Goto/BLIS style. For each block of KC k-steps and NC columns, B is
 * packed into k-major micro-panels of NR = 2 vectors of columns, and A, MC rows at a time, into
 * micro-panels of MR = 8 rows; the micro-kernel then computes an 8 x 2-vector tile of C (8 x 32
 * floats with 512-bit vectors) in 16 accumulators held in local variables, broadcasting one
 * element of A and fusing it with two loads of B per step. The loop over A's micro-panels is the
 * inner one, so a B micro-panel is reused MC / MR times while it is hot.
 *
 * <p>Block sizes (measured on Zen 4, one thread, n = 1024): KC = 256 gave 86 GFLOP/s, 512 gave 97
 * and 1024 gave 104, because every k-block costs one more read-modify-write pass over C, which
 * misses the caches, while the panels still stream fast enough from L2. MC = 64 keeps the packed A
 * block (256 KiB) in L2; NC = 1024 caps the packed B block at 4 MiB.
 *
 * <p>The accumulators go to a small per-thread tile with {@code intoArray}, and a separate loop
 * merges the tile into C (beta on the first k-block, adding on later ones; partial edge tiles
 * take only the valid part). Keeping the accumulators out of any branch, array or field is what
 * avoids the vector-boxing cliff (5 GFLOP/s instead of 90) measured in the toolchain probe, so
 * edge tiles run the same kernel as full ones; the 32 extra L1 accesses per tile are nothing
 * against KC x 16 fused multiply-adds.
 *
 * <p>Only loaded when {@link VectorSupport#AVAILABLE}. Block sizes can be overridden for tuning
 * with {@code -Dneurite.cpu.gemm.kc/.mc/.nc}.
 */
final class GemmVector implements GemmEngine {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int VL = S.length();
    static final int MR = GemmPack.MR;
    static final int NR = 2 * VL;
    private static final int KC = Integer.getInteger("neurite.cpu.gemm.kc", 1024);
    private static final int MC = Integer.getInteger("neurite.cpu.gemm.mc", 64);
    private static final int NC = Integer.getInteger("neurite.cpu.gemm.nc", 1024);

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
        int kc = GemmPack.block(g.k(), KC, 1), ncMax = GemmPack.block(j1 - j0, NC, NR);
        float[] bp = GemmPack.Workspace.get().b(ncMax * kc);
        for (int jc = j0; jc < j1; jc += ncMax) {
            int nc = Math.min(ncMax, j1 - jc);
            for (int pc = 0; pc < g.k(); pc += kc) {
                int kb = Math.min(kc, g.k() - pc);
                GemmPack.packB(g, pc, kb, jc, nc, NR, bp, 0);
                rows(g, i0, i1, jc, nc, pc, kb, bp);
            }
        }
    }

    /**
     * Bands of rows go to the threads as in the default, but each block of B is packed once, by
     * all threads together, into the calling thread's buffer, rather than once per thread: with
     * two threads that saves a quarter of the packing, a few per cent of the whole product.
     */
    @Override
    public void packedByRows(GemmArgs g) {
        int m = g.m(), n = g.n();
        int kc = GemmPack.block(g.k(), KC, 1), ncMax = GemmPack.block(n, NC, NR);
        float[] bp = GemmPack.Workspace.get().b(ncMax * kc);
        for (int jc = 0; jc < n; jc += ncMax) {
            int nc = Math.min(ncMax, n - jc), col = jc;
            for (int pc = 0; pc < g.k(); pc += kc) {
                int kb = Math.min(kc, g.k() - pc), p0 = pc;
                Parallel.forRange((nc + NR - 1) / NR, 1, (from, to) ->
                        GemmPack.packB(g, p0, kb, col + from * NR, Math.min(nc, to * NR) - from * NR, NR, bp, from * NR * kb));
                Parallel.forRange((m + MR - 1) / MR, 1, (from, to) ->
                        rows(g, from * MR, Math.min(m, to * MR), col, nc, p0, kb, bp));
            }
        }
    }

    /**
     * Adds rows [i0, i1) of {@code op(A)[:, pc:pc+kb] . B block} to C's columns [jc, jc+nc), the
     * block of B already packed in bp; A is packed here, MC rows at a time, into this thread's
     * buffer. The first k-block applies beta, later ones add.
     */
    private static void rows(GemmArgs g, int i0, int i1, int jc, int nc, int pc, int kb, float[] bp) {
        GemmPack.Workspace w = GemmPack.Workspace.get();
        int n = g.n(), mcMax = GemmPack.block(i1 - i0, MC, MR);
        float[] ap = w.a(mcMax * kb), tile = w.tile(MR * NR), c = g.c();
        float beta = pc == 0 ? g.beta() : 1f;
        for (int ic = i0; ic < i1; ic += mcMax) {
            int mc = Math.min(mcMax, i1 - ic);
            GemmPack.packA(g, ic, mc, pc, kb, ap);
            int co = g.cOff() + ic * n + jc;
            for (int jr = 0; jr < nc; jr += NR) {
                for (int ir = 0; ir < mc; ir += MR) {
                    kernel(kb, ap, ir * kb, bp, jr * kb, tile);
                    merge(tile, c, co + ir * n + jr, n, Math.min(MR, mc - ir), Math.min(NR, nc - jr), 1f, beta);
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
     * {@code C[rows x cols at co] = alpha tile + beta C}; beta 0 never reads C. Whole vectors of
     * each row first, then the remaining columns one by one. The beta test is outside the loops,
     * so no vector value lives across a branch.
     */
    private static void merge(float[] tile, float[] c, int co, int ldc, int rows, int cols, float alpha, float beta) {
        if (cols == NR && alpha == 1 && beta == 0) {
            for (int r = 0; r < rows; r++, co += ldc) System.arraycopy(tile, r * NR, c, co, NR);
            return;
        }
        int whole = cols / VL * VL;
        for (int r = 0, t = 0; r < rows; r++, co += ldc, t += NR) {
            if (beta == 0) {
                for (int v = 0; v < whole; v += VL) FloatVector.fromArray(S, tile, t + v).mul(alpha).intoArray(c, co + v);
                for (int x = whole; x < cols; x++) c[co + x] = alpha * tile[t + x];
            } else {
                FloatVector bv = FloatVector.broadcast(S, beta);
                for (int v = 0; v < whole; v += VL) {
                    FloatVector tv = FloatVector.fromArray(S, tile, t + v).mul(alpha);
                    FloatVector.fromArray(S, c, co + v).fma(bv, tv).intoArray(c, co + v);
                }
                for (int x = whole; x < cols; x++) c[co + x] = Math.fma(c[co + x], beta, alpha * tile[t + x]);
            }
        }
    }

    /**
     * Without packing: the register tiles read op(A) and B where they lie, for products whose
     * operands are already cache-resident and whose packing would cost as much as the arithmetic
     * (MNIST's 32 x 784 x 200 dense layer, its 784 x 200 x 32 weight gradient). Columns go in
     * blocks of two vectors, then one vector, then a last block of fewer than VL columns copied
     * into a zero-padded strip; these full-width loads avoid masked ones, which are about three
     * times slower on this JDK. A partial group of rows repeats its last row's offset, so the
     * kernels never branch on the edge and only the valid rows are merged.
     */
    @Override
    public void direct(GemmArgs g, int i0, int i1, int j0, int j1) {
        GemmPack.Workspace w = GemmPack.Workspace.get();
        float[] tile = w.tile(MR * NR), b = g.b();
        int n = g.n(), j = j0;
        for (; j + NR <= j1; j += NR) directRows(g, i0, i1, j, NR, b, g.bIndex(0, j), n, tile);
        if (j + VL <= j1) {
            directRows(g, i0, i1, j, VL, b, g.bIndex(0, j), n, tile);
            j += VL;
        }
        if (j < j1) {
            int cols = j1 - j, k = g.k();
            float[] strip = w.b(k * VL);
            for (int p = 0; p < k; p++) {
                System.arraycopy(b, g.bIndex(p, j), strip, p * VL, cols);
                Arrays.fill(strip, p * VL + cols, (p + 1) * VL, 0f);
            }
            directRows(g, i0, i1, j, cols, strip, 0, VL, tile);
        }
    }

    /**
     * Rows [i0, i1) of C's columns [j, j + cols), cols at most NR, from B's columns starting at
     * bs[bo] with rows ldb apart: MR rows per tile, one or two vectors wide.
     */
    private static void directRows(GemmArgs g, int i0, int i1, int j, int cols, float[] bs, int bo, int ldb, float[] tile) {
        boolean ta = g.ta();
        int rowStep = ta ? 1 : g.k(), kStep = ta ? g.m() : 1, co = g.cOff() + j;
        for (int i = i0; i < i1; i += MR) {
            int rows = Math.min(MR, i1 - i), a0 = g.aIndex(i, 0);
            if (cols > VL) tile2(g.k(), g.a(), a0, rowStep, rows - 1, kStep, bs, bo, ldb, tile);
            else tile1(g.k(), g.a(), a0, rowStep, rows - 1, kStep, bs, bo, ldb, tile);
            merge(tile, g.c(), co + i * g.n(), g.n(), rows, cols, g.alpha(), g.beta());
        }
    }

    /**
     * {@code tile = A rows . B panel} for an MR x 2-vector tile: row r of A starts at
     * {@code a0 + min(r, last) rowStep}, its k-steps kStep apart; row p of the panel starts at
     * {@code bo + p ldb}.
     */
    private static void tile2(int k, float[] a, int a0, int rowStep, int last, int kStep, float[] b, int bo, int ldb, float[] tile) {
        int o1 = a0 + Math.min(1, last) * rowStep, o2 = a0 + Math.min(2, last) * rowStep, o3 = a0 + Math.min(3, last) * rowStep;
        int o4 = a0 + Math.min(4, last) * rowStep, o5 = a0 + Math.min(5, last) * rowStep;
        int o6 = a0 + Math.min(6, last) * rowStep, o7 = a0 + Math.min(7, last) * rowStep;
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        FloatVector c40 = c00, c41 = c00, c50 = c00, c51 = c00, c60 = c00, c61 = c00, c70 = c00, c71 = c00;
        for (int p = 0, q = 0; p < k; p++, q += kStep, bo += ldb) {
            FloatVector b0 = FloatVector.fromArray(S, b, bo), b1 = FloatVector.fromArray(S, b, bo + VL);
            FloatVector av = FloatVector.broadcast(S, a[a0 + q]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, a[o1 + q]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, a[o2 + q]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, a[o3 + q]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(S, a[o4 + q]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(S, a[o5 + q]);
            c50 = av.fma(b0, c50);
            c51 = av.fma(b1, c51);
            av = FloatVector.broadcast(S, a[o6 + q]);
            c60 = av.fma(b0, c60);
            c61 = av.fma(b1, c61);
            av = FloatVector.broadcast(S, a[o7 + q]);
            c70 = av.fma(b0, c70);
            c71 = av.fma(b1, c71);
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

    /** {@link #tile2} one vector wide, for the last columns: same layout, the tile's rows still NR apart. */
    private static void tile1(int k, float[] a, int a0, int rowStep, int last, int kStep, float[] b, int bo, int ldb, float[] tile) {
        int o1 = a0 + Math.min(1, last) * rowStep, o2 = a0 + Math.min(2, last) * rowStep, o3 = a0 + Math.min(3, last) * rowStep;
        int o4 = a0 + Math.min(4, last) * rowStep, o5 = a0 + Math.min(5, last) * rowStep;
        int o6 = a0 + Math.min(6, last) * rowStep, o7 = a0 + Math.min(7, last) * rowStep;
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
        for (int p = 0, q = 0; p < k; p++, q += kStep, bo += ldb) {
            FloatVector bv = FloatVector.fromArray(S, b, bo);
            c0 = FloatVector.broadcast(S, a[a0 + q]).fma(bv, c0);
            c1 = FloatVector.broadcast(S, a[o1 + q]).fma(bv, c1);
            c2 = FloatVector.broadcast(S, a[o2 + q]).fma(bv, c2);
            c3 = FloatVector.broadcast(S, a[o3 + q]).fma(bv, c3);
            c4 = FloatVector.broadcast(S, a[o4 + q]).fma(bv, c4);
            c5 = FloatVector.broadcast(S, a[o5 + q]).fma(bv, c5);
            c6 = FloatVector.broadcast(S, a[o6 + q]).fma(bv, c6);
            c7 = FloatVector.broadcast(S, a[o7 + q]).fma(bv, c7);
        }
        c0.intoArray(tile, 0);
        c1.intoArray(tile, NR);
        c2.intoArray(tile, 2 * NR);
        c3.intoArray(tile, 3 * NR);
        c4.intoArray(tile, 4 * NR);
        c5.intoArray(tile, 5 * NR);
        c6.intoArray(tile, 6 * NR);
        c7.intoArray(tile, 7 * NR);
    }
}
