package io.neurite.cpu;

import java.util.Arrays;

/**
 * A strided walk over a shape for up to three operands (two inputs and an output, or a source
 * and a destination), the shared engine of broadcast binary ops and {@code COPY}.
 *
 * <p>Before walking, size-1 axes are dropped and neighbouring axes merged wherever every operand
 * steps through them as one, so {@code [64,6,24,24] + [1,6,1,1]} walks as {@code [64,6,576]} with
 * the bias at strides {@code [0,1,0]}. What is left is a set of rows along the innermost axis;
 * callers get whole rows (their tight loop) and only pay the index arithmetic once per row.
 */
final class ElementwiseStrides {
    /** A run of n elements along the innermost axis, given each operand's offset of its first element. */
    @FunctionalInterface
    interface Span {
        void run(int o0, int o1, int o2, int n);
    }

    private final int[] shape;
    private final int[][] strides;
    private final boolean empty;

    private ElementwiseStrides(int[] shape, int[][] strides, boolean empty) {
        this.shape = shape;
        this.strides = strides;
        this.empty = empty;
    }

    /** Simplifies a walk of shape; each operand has one stride per axis (pass zeros for an unused one). */
    static ElementwiseStrides of(int[] shape, int[] s0, int[] s1, int[] s2) {
        int[][] in = {s0, s1, s2};
        int rank = 0;
        int[] dims = new int[Math.max(1, shape.length)];
        int[][] st = new int[3][dims.length];
        boolean empty = false;
        for (int axis = 0; axis < shape.length; axis++) {
            int d = shape[axis];
            if (d == 0) empty = true;
            if (d == 1) continue; // its stride never multiplies a non-zero index
            if (rank > 0 && mergesWithPrevious(in, axis, d, st, rank)) {
                dims[rank - 1] *= d;
                for (int k = 0; k < 3; k++) st[k][rank - 1] = in[k][axis];
                continue;
            }
            dims[rank] = d;
            for (int k = 0; k < 3; k++) st[k][rank] = in[k][axis];
            rank++;
        }
        if (rank == 0) { // a single element: one row of length one
            dims[0] = 1;
            rank = 1;
        }
        int[][] trimmed = new int[3][];
        for (int k = 0; k < 3; k++) trimmed[k] = Arrays.copyOf(st[k], rank);
        return new ElementwiseStrides(Arrays.copyOf(dims, rank), trimmed, empty);
    }

    /** True when every operand's stride on the previous kept axis equals one full step of this axis. */
    private static boolean mergesWithPrevious(int[][] in, int axis, int d, int[][] st, int rank) {
        for (int k = 0; k < 3; k++) {
            if ((long) st[k][rank - 1] != (long) in[k][axis] * d) return false;
        }
        return true;
    }

    /** The number of elements of a shape. */
    static long product(int[] dims) {
        long n = 1;
        for (int d : dims) n *= d;
        return n;
    }

    /** Length of a row, the innermost (merged) axis. */
    int inner() {
        return shape[shape.length - 1];
    }

    /** Innermost stride of operand k. */
    int innerStride(int k) {
        return strides[k][shape.length - 1];
    }

    /** Number of rows. */
    int rows() {
        int r = 1;
        for (int i = 0; i < shape.length - 1; i++) r *= shape[i];
        return r;
    }

    boolean isEmpty() {
        return empty;
    }

    /**
     * Calls span over every row, in parallel when the walk is large. A single long row is cut
     * into pieces instead, so flat and scalar-broadcast ops use every core too.
     */
    void forEach(int grain, int base0, int base1, int base2, Span span) {
        if (empty) return;
        int inner = inner();
        int rows = rows();
        if (rows == 1) {
            int s0 = innerStride(0), s1 = innerStride(1), s2 = innerStride(2);
            Parallel.forRange(inner, grain, (from, to) ->
                    span.run(base0 + from * s0, base1 + from * s1, base2 + from * s2, to - from));
            return;
        }
        Parallel.forRange(rows, Math.max(1, grain / inner), (from, to) -> rows(from, to, base0, base1, base2, span));
    }

    /** Walks rows [from, to) with an odometer over the outer axes, decoding only the first row's index. */
    private void rows(int from, int to, int base0, int base1, int base2, Span span) {
        int outerRank = shape.length - 1;
        int[] index = new int[outerRank];
        int o0 = base0, o1 = base1, o2 = base2;
        int rest = from;
        for (int axis = outerRank - 1; axis >= 0; axis--) {
            index[axis] = rest % shape[axis];
            rest /= shape[axis];
            o0 += index[axis] * strides[0][axis];
            o1 += index[axis] * strides[1][axis];
            o2 += index[axis] * strides[2][axis];
        }
        int inner = inner();
        for (int row = from; row < to; row++) {
            span.run(o0, o1, o2, inner);
            for (int axis = outerRank - 1; axis >= 0; axis--) {
                o0 += strides[0][axis];
                o1 += strides[1][axis];
                o2 += strides[2][axis];
                if (++index[axis] < shape[axis]) break;
                o0 -= shape[axis] * strides[0][axis];
                o1 -= shape[axis] * strides[1][axis];
                o2 -= shape[axis] * strides[2][axis];
                index[axis] = 0;
            }
        }
    }
}
