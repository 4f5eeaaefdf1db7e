package io.neurite.cpu;

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
    /**
     * Whether the 8-row tiles go as two 4-row halves: with vectors narrower than 512 bits (AVX2,
     * sixteen registers). On a Zen 2 core the half kernel ran at 81-87 GFLOP/s from L1 against
     * 39-51 for the whole tile, whose accumulators C2 spilled to the stack. Override with
     * {@code -Dneurite.cpu.gemmHalves=true|false}.
     */
    static final boolean HALVES = Boolean.parseBoolean(System.getProperty("neurite.cpu.gemmHalves", Boolean.toString(VL < 16)));
    private final boolean halves;

    /** The engine with this vector width's tile form ({@link #HALVES}). */
    GemmVector() {
        this(HALVES);
    }

    /** The engine with the given tile form: tests run both on any machine. */
    GemmVector(boolean halves) {
        this.halves = halves;
    }

    @Override
    public String toString() {
        return halves ? "GemmVector (4-row halves)" : "GemmVector (8-row tiles)";
    }

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
                rows(g, i0, i1, jc, nc, pc, kb, bp, 0, halves);
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
                        rows(g, from * MR, Math.min(m, to * MR), col, nc, p0, kb, bp, 0, halves));
            }
        }
    }

    /**
     * All of op(B) packed as {@link #packed} packs it block by block (NC columns by KC steps, each
     * block's panels k-major), the blocks one after another: {@link #prepared} multiplies by it
     * without packing again. Its length is n rounded up to whole panels, times k. Blocks of at
     * least {@link #PREPARE_SPLIT} floats are packed by all threads, a share of panels each.
     */
    float[] prepareB(GemmArgs g) {
        int n = g.n(), k = g.k(), kc = GemmPack.block(k, KC, 1), ncMax = GemmPack.block(n, NC, NR);
        float[] panels = new float[(n + NR - 1) / NR * NR * k];
        for (int jc = 0, off = 0; jc < n; jc += ncMax) {
            int nc = Math.min(ncMax, n - jc), width = (nc + NR - 1) / NR * NR, col = jc;
            for (int pc = 0; pc < k; pc += kc) {
                int kb = Math.min(kc, k - pc), p0 = pc, base = off;
                Parallel.Range share = (from, to) -> GemmPack.packB(g, p0, kb, col + from * NR, Math.min(nc, to * NR) - from * NR, NR,
                        panels, base + from * NR * kb);
                if ((long) width * kb >= PREPARE_SPLIT) Parallel.forRange(width / NR, 1, share);
                else share.run(0, width / NR);
                off += width * kb;
            }
        }
        return panels;
    }

    /**
     * Floats of a block from which {@link #prepareB} splits the packing between threads: the
     * LSTM's U (64K floats) packs in tens of microseconds, about what a hand-off costs, while its
     * gradients' shared operand dA (917K for the row-LSTM) took 0.3-0.7 ms on one thread.
     */
    private static final int PREPARE_SPLIT = 1 << 17;

    /**
     * Rows [i0, i1) by columns [j0, j1) of C (j0 and j1 on panel bounds, or j1 = n) with op(B)
     * already packed by {@link #prepareB}; A is packed here as in {@link #packed}.
     */
    void prepared(GemmArgs g, float[] panels, int i0, int i1, int j0, int j1) {
        int n = g.n(), k = g.k(), kc = GemmPack.block(k, KC, 1), ncMax = GemmPack.block(n, NC, NR);
        for (int jc = 0, off = 0; jc < n; jc += ncMax) {
            int nc = Math.min(ncMax, n - jc), width = (nc + NR - 1) / NR * NR;
            int lo = Math.max(j0, jc) - jc, hi = Math.min(j1, jc + nc) - jc;
            for (int pc = 0; pc < k; pc += kc) {
                int kb = Math.min(kc, k - pc);
                if (lo < hi) rows(g, i0, i1, jc + lo, hi - lo, pc, kb, panels, off + lo * kb, halves);
                off += width * kb;
            }
        }
    }

    /**
     * Adds rows [i0, i1) of {@code op(A)[:, pc:pc+kb] . B block} to C's columns [jc, jc+nc), the
     * block of B already packed in bp from bpOff; A is packed here, MC rows at a time, into this thread's
     * buffer. The first k-block applies beta, later ones add.
     */
    private static void rows(GemmArgs g, int i0, int i1, int jc, int nc, int pc, int kb, float[] bp, int bpOff, boolean halves) {
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
                    kernel(kb, ap, ir * kb, bp, bpOff + jr * kb, tile, halves);
                    merge(tile, c, co + ir * n + jr, n, Math.min(MR, mc - ir), Math.min(NR, nc - jr), 1f, beta);
                }
            }
        }
    }

    /**
     * The 8 x 2-vector register tile: {@code tile = A panel (kc x MR) . B panel (kc x NR)}; with
     * halves, as two 4 x 2-vector halves (see {@link #HALVES}).
     */
    private static void kernel(int kc, float[] ap, int ao, float[] bp, int bo, float[] tile, boolean halves) {
        if (halves) {
            half(kc, ap, ao, bp, bo, tile, 0);
            half(kc, ap, ao, bp, bo, tile, MR / 2);
        } else {
            whole(kc, ap, ao, bp, bo, tile);
        }
    }

    /**
     * Rows [r0, r0 + 4) of {@link #kernel}'s tile: eight accumulators, two B vectors and four
     * broadcasts fit AVX2's sixteen registers, where the whole tile's sixteen accumulators did
     * not and C2 kept some of them on the stack, each step then waiting on a store and a reload.
     */
    private static void half(int kc, float[] ap, int ao, float[] bp, int bo, float[] tile, int r0) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        for (int p = 0, a0 = ao + r0; p < kc; p++, a0 += MR, bo += NR) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bo), b1 = FloatVector.fromArray(S, bp, bo + VL);
            FloatVector a = FloatVector.broadcast(S, ap[a0]);
            c00 = a.fma(b0, c00);
            c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(S, ap[a0 + 1]);
            c10 = a.fma(b0, c10);
            c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(S, ap[a0 + 2]);
            c20 = a.fma(b0, c20);
            c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(S, ap[a0 + 3]);
            c30 = a.fma(b0, c30);
            c31 = a.fma(b1, c31);
        }
        int t = r0 * NR;
        c00.intoArray(tile, t);
        c01.intoArray(tile, t + VL);
        c10.intoArray(tile, t + NR);
        c11.intoArray(tile, t + NR + VL);
        c20.intoArray(tile, t + 2 * NR);
        c21.intoArray(tile, t + 2 * NR + VL);
        c30.intoArray(tile, t + 3 * NR);
        c31.intoArray(tile, t + 3 * NR + VL);
    }

    /** {@link #kernel} in one pass, for 512-bit vectors (32 registers). */
    private static void whole(int kc, float[] ap, int ao, float[] bp, int bo, float[] tile) {
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
    static void merge(float[] tile, float[] c, int co, int ldc, int rows, int cols, float alpha, float beta) {
        merge(tile, 0, NR, c, co, ldc, rows, cols, alpha, beta);
    }

    /** {@link #merge} from a tile whose rows are ld apart, starting at its column t0. */
    static void merge(float[] tile, int t0, int ld, float[] c, int co, int ldc, int rows, int cols, float alpha, float beta) {
        if (alpha == 1 && beta == 0) {
            for (int r = 0; r < rows; r++, co += ldc) System.arraycopy(tile, t0 + r * ld, c, co, cols);
            return;
        }
        int whole = cols / VL * VL;
        for (int r = 0, t = t0; r < rows; r++, co += ldc, t += ld) {
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

    @Override
    public boolean skipsSteps(GemmArgs g) {
        return GemmDirect.skipsSteps(g);
    }

    /** See {@link GemmDirect}. */
    @Override
    public void direct(GemmArgs g, int i0, int i1, int j0, int j1) {
        GemmDirect.direct(g, i0, i1, j0, j1, halves);
    }

    /** The bands share one decision on {@link GemmPairs}, whose check reads all of B. */
    @Override
    public void directByRows(GemmArgs g) {
        int m = g.m(), n = g.n();
        boolean pairs = GemmDirect.byPairs(g, 0, n);
        Parallel.forRange((m + MR - 1) / MR, 1, (from, to) -> GemmDirect.direct(g, from * MR, Math.min(m, to * MR), 0, n, halves, pairs));
    }
}
