package io.neurite.cpu;

/**
 * One implementation of the SGEMM arithmetic (Vector API or scalar). {@link CpuGemm} handles
 * the trivial cases and splits C between threads; an engine computes one rectangle of C,
 * rows [i0, i1) by columns [j0, j1), over the whole k, and must not touch C outside it.
 * Callers guarantee m, n, k &gt; 0 and alpha != 0.
 */
interface GemmEngine {
    /** Rows of C per micro-tile: row splits between threads fall on multiples of it. */
    int rowTile();

    /** Columns of C per micro-tile: column splits between threads fall on multiples of it. */
    int colTile();

    /**
     * For small products and few rows: loops straight over the operands, without packing. Only
     * called with B not transposed.
     */
    void direct(GemmArgs g, int i0, int i1, int j0, int j1);

    /**
     * The direct path on all of C with bands of rows spread over {@link Parallel}'s threads. An
     * engine may override it to decide once for all the bands what each would check alone.
     */
    default void directByRows(GemmArgs g) {
        int rt = rowTile(), m = g.m(), n = g.n();
        Parallel.forRange((m + rt - 1) / rt, 1, (from, to) -> direct(g, from * rt, Math.min(m, to * rt), 0, n));
    }

    /**
     * Whether the direct path would skip work on this product (zero steps in A's first row
     * group); such products stay on one thread. False unless the engine skips zeros.
     */
    default boolean skipsSteps(GemmArgs g) {
        return false;
    }

    /** For everything else: blocked and packed, the fast path for large products. */
    void packed(GemmArgs g, int i0, int i1, int j0, int j1);

    /**
     * The packed path on all of C with bands of rows spread over {@link Parallel}'s threads. An
     * engine may override it to share work between the bands, such as packing B once.
     */
    default void packedByRows(GemmArgs g) {
        int rt = rowTile(), m = g.m(), n = g.n();
        Parallel.forRange((m + rt - 1) / rt, 1, (from, to) -> packed(g, from * rt, Math.min(m, to * rt), 0, n));
    }
}
