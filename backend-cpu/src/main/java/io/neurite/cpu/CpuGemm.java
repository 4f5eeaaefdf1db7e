package io.neurite.cpu;

/**
 * SGEMM on the CPU: row-major {@code C = alpha op(A) op(B) + beta C}. This class handles what
 * needs no arithmetic engine (empty products, k = 0, alpha = 0), chooses between the direct
 * and the packed path (a direct product with B transposed gets op(B) copied untransposed
 * first), and splits C between threads; a {@link GemmEngine} does the arithmetic:
 * {@link GemmVector} when the Vector API is enabled, else {@link GemmScalar}.
 *
 * <p>Threads take contiguous bands of whole micro-tiles: rows of C normally, columns when C is
 * short and wide (too few row tiles to share evenly; see {@link #ROW_SPLIT} for the direct
 * path). Each thread packs its own blocks, so the threads never wait for one another inside a
 * product. Products below 64^3 multiply-adds stay on
 * the caller's thread: a hand-off costs more than they do. So do products called from a pool
 * task (a convolution's per-image GEMM), since {@link Parallel} does not nest.
 *
 * <p>As in BLAS, beta 0 writes C without reading it (NaN there is ignored), and with alpha 0 or
 * k 0 neither A nor B is read.
 */
final class CpuGemm {
    /** Multiply-adds below which a product runs on one thread, and without packing when it can. */
    static final long SMALL = 64L * 64 * 64;
    /**
     * Below this many multiply-adds a product stays on one thread even when it is packed: MNIST's
     * dense layers (32x784x200 is 5M) trained slower on two threads than on one on a 2-core
     * machine (73k against 85k images/s with the direct path; the product alone is faster on two,
     * 69 against 109 us, but the weights then live half in each core's L2 and move back for the
     * optimiser step, and the helper's wake-up comes late).
     */
    static final long PARALLEL = Long.getLong("neurite.cpu.gemmParallelMacs", 16L << 20);
    /**
     * The same for products on the direct path whose A is dense: an LSTM's recurrent products
     * (64 x 512 x 128, 4M) trained 12% faster split between two threads (4.9k against 4.4k
     * images/s). Products whose A has zero steps to skip stay on one thread whatever their size:
     * split, MNIST's MLP trained at 78k instead of 110k images/s (each thread scans A and checks
     * B again, and the weights move between the cores' caches every step).
     */
    static final long PARALLEL_DIRECT = Long.getLong("neurite.cpu.gemmParallelDirectMacs", 2L << 20);
    /**
     * The same for direct products that skip zero steps of A, which otherwise stay on one thread
     * (see PARALLEL_DIRECT): MNIST's first dense layer at an inference batch of 256 (40M) ran in
     * 580-740 us split by rows against 885-1,480 us on one thread; at the training batch of 32
     * (5M) it stays below this and on one thread.
     */
    static final long PARALLEL_SPARSE = Long.getLong("neurite.cpu.gemmParallelSparseMacs", 16L << 20);
    /**
     * Fewer rows than this go the direct way whatever the size: a packed 8-row tile would be mostly
     * padding, and packing B would cost as much as the product itself.
     */
    private static final int DIRECT_ROWS = 4;
    /**
     * Operands up to this many floats in all (1 MiB, one core's L2) go the direct way: they are
     * cache-resident already, so packing them would only copy them once more. Tunable with
     * {@code -Dneurite.cpu.gemmDirectFloats} (0 sends only the small products that way).
     */
    private static final long DIRECT_FLOATS = Long.getLong("neurite.cpu.gemmDirectFloats", 1L << 18);
    /**
     * From this many rows a product whose operands fit {@link #DIRECT_FLOATS} but whose B rows are
     * a multiple of 256 floats apart is packed all the same, unless op(A) has zero steps to skip:
     * the direct path walks B's rows, and rows 1 KiB apart fall into a quarter or less of L1's sets
     * (64 sets of 64 bytes, 4 KiB a way), so a column tile's k rows are evicted before their next
     * use and come from L2 at every step; packed, B is contiguous, and packing it once serves
     * enough row tiles to pay. On a 2-core Zen 2, two threads, dense random operands: the
     * row-LSTM's inference step (256 x 512 x 128) ran at 70-115 GFLOP/s packed against 45-60
     * direct (its inference at 11,400-13,100 against 8,900-10,600 images/s), a 7,168 x 512 x 28
     * product at 48-51 against 34-37, the GRU's step (n = 384, B's rows spread over more sets)
     * about the same either way (so it stays direct), and products of 64 rows the same.
     * {@code -Dneurite.cpu.gemmPackedRows=0} turns it off.
     */
    private static final int PACKED_ROWS = Integer.getInteger("neurite.cpu.gemmPackedRows", 128);
    /**
     * Whether a direct product with at least two row tiles per thread is split by rows even when
     * it has more column tiles: split by columns, each thread packed all of A for its half of the
     * columns. On a 2-core Zen 2 the LSTM's backward step (64 x 128 x 512) took 129-167 us split
     * by rows against 201-232 us by columns, its inference step (256 x 512 x 128) 523-544 against
     * 620-642, LeNet's dense input gradient (64 x 400 x 120) 72-111 against 98-122, and its
     * forward step (64 x 512 x 128) the same either way. {@code -Dneurite.cpu.gemmRowSplit=false}
     * restores the column split.
     */
    static final boolean ROW_SPLIT = Boolean.parseBoolean(System.getProperty("neurite.cpu.gemmRowSplit", "true"));
    private static final GemmEngine ENGINE = VectorSupport.AVAILABLE ? new GemmVector() : new GemmScalar();

    private CpuGemm() {
    }

    /** Row-major {@code c[cOff..] = alpha op(a) op(b) + beta c}, each matrix starting at its offset. */
    static void gemm(boolean ta, boolean tb, int m, int n, int k, float alpha, float[] a, int aOff,
                     float[] b, int bOff, float beta, float[] c, int cOff) {
        run(ENGINE, new GemmArgs(ta, tb, m, n, k, alpha, a, aOff, b, bOff, beta, c, cOff));
    }

    /**
     * {@link #gemm} for each i below batch on the matrices at {@code i * stride}; a stride of 0
     * shares one matrix. Small products are spread over the threads by batch item instead.
     */
    static void gemmBatched(boolean ta, boolean tb, int batch, int m, int n, int k, float alpha, float[] a, int sa,
                            float[] b, int sb, float beta, float[] c, int sc) {
        long work = (long) m * n * k;
        Parallel.Range items = (from, to) -> {
            for (int i = from; i < to; i++) gemm(ta, tb, m, n, k, alpha, a, i * sa, b, i * sb, beta, c, i * sc);
        };
        if (work >= SMALL) {
            items.run(0, batch);
        } else {
            // enough items per thread that each hand-off carries at least one SMALL product's worth
            int grain = (int) Math.min(Integer.MAX_VALUE, SMALL / Math.max(1, work));
            Parallel.forRange(batch, grain, items);
        }
    }

    /**
     * op(B) packed once for {@link #gemmPrepared}, or null where products by it gain nothing from
     * packing and go the plain way: without the Vector API, when op(B) is empty, or when its
     * panels (n rounded up to whole panels, times k) would not fit one Java array.
     */
    static float[] prepare(boolean tb, int k, int n, float[] b) {
        if (!(ENGINE instanceof GemmVector v) || k == 0 || n == 0) return null;
        if ((long) (n + v.colTile() - 1) / v.colTile() * v.colTile() * k > Integer.MAX_VALUE - 8) return null;
        return v.prepareB(new GemmArgs(false, tb, 0, n, k, 1f, null, 0, b, 0, 0f, null, 0));
    }

    /**
     * {@link #gemm} with op(B) (b, tb) packed by {@link #prepare} into panels: a recurrent layer's
     * per-step products no longer pack U again at every step, or read it along rows that alias in
     * L1 (the direct path: U's rows are 512 floats apart in the row-LSTM). Unlike a plain packed
     * product it goes on two threads from {@link #PARALLEL_DIRECT}: B is only read, so both cores
     * keep a copy of it in cache and nothing moves between them. Fewer than {@link #DIRECT_ROWS}
     * rows, whose 8-row tiles would be mostly padding, take the plain path with b itself.
     */
    static void gemmPrepared(boolean ta, int m, int n, int k, float alpha, float[] a, boolean tb, float[] b, float[] panels,
                             float beta, float[] c) {
        GemmArgs g = new GemmArgs(ta, tb, m, n, k, alpha, a, 0, b, 0, beta, c, 0);
        if (panels == null || m < DIRECT_ROWS || k == 0 || alpha == 0) {
            run(ENGINE, g);
            return;
        }
        GemmVector v = (GemmVector) ENGINE;
        int rt = v.rowTile(), ct = v.colTile(), rowTiles = (m + rt - 1) / rt, colTiles = (n + ct - 1) / ct;
        if ((long) m * n * k < PARALLEL_DIRECT) {
            v.prepared(g, panels, 0, m, 0, n);
        } else if (rowTiles >= 2 * Parallel.THREADS || rowTiles >= colTiles) {
            Parallel.forRange(rowTiles, 1, (from, to) -> v.prepared(g, panels, from * rt, Math.min(m, to * rt), 0, n));
        } else {
            Parallel.forRange(colTiles, 1, (from, to) -> v.prepared(g, panels, 0, m, from * ct, Math.min(n, to * ct)));
        }
    }

    /**
     * Whether a product too large for the direct path's size rule goes that way anyway because
     * op(A) has all-zero steps to skip and B alone is cache-resident: MNIST's first dense layer at
     * an inference batch of 256 (256 x 784 x 200) ran at 255-275k images/s direct against
     * 180-190k packed, since the packed path cannot skip the background pixels. B transposed
     * is left packed: the direct path would copy it first.
     */
    private static boolean sparseRows(GemmEngine engine, GemmArgs g) {
        return !g.tb() && (long) g.k() * g.n() <= DIRECT_FLOATS && engine.skipsSteps(g);
    }

    /** One product on the given engine (tests pass one explicitly). */
    static void run(GemmEngine engine, GemmArgs g) {
        int m = g.m(), n = g.n(), k = g.k();
        if (m == 0 || n == 0) return;
        if (k == 0 || g.alpha() == 0) {
            for (int i = 0; i < m; i++) g.scaleRow(i, 0, n);
            return;
        }
        long work = (long) m * n * k;
        boolean fits = (long) m * k + (long) k * n <= DIRECT_FLOATS && (PACKED_ROWS <= 0 || m < PACKED_ROWS || n % 256 != 0);
        boolean direct = work < SMALL || m < DIRECT_ROWS || fits || sparseRows(engine, g);
        if (direct && g.tb()) g = GemmPack.untransposeB(g);
        GemmArgs p = g;
        if (work < SMALL || work < (direct ? PARALLEL_DIRECT : PARALLEL) || direct && work < PARALLEL_SPARSE && engine.skipsSteps(g)) {
            compute(engine, g, direct, 0, m, 0, n);
            return;
        }
        int rt = engine.rowTile(), ct = engine.colTile();
        int rowTiles = (m + rt - 1) / rt, colTiles = (n + ct - 1) / ct;
        if (!direct && (rowTiles >= 4 * Parallel.THREADS || rowTiles >= colTiles)) {
            engine.packedByRows(g);
        } else if (direct && (rowTiles > colTiles || ROW_SPLIT && rowTiles >= 2 * Parallel.THREADS)) {
            engine.directByRows(p);
        } else {
            Parallel.forRange(colTiles, 1, (from, to) -> compute(engine, p, direct, 0, m, from * ct, Math.min(n, to * ct)));
        }
    }

    private static void compute(GemmEngine engine, GemmArgs g, boolean direct, int i0, int i1, int j0, int j1) {
        if (direct) engine.direct(g, i0, i1, j0, j1);
        else engine.packed(g, i0, i1, j0, j1);
    }
}
