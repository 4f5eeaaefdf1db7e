package io.neurite.device;

import java.util.Arrays;

/**
 * How two operands of an elementwise op line up with a contiguous output of {@code shape}: each
 * operand has a stride per output axis, 0 where it is broadcast. Numpy's rules, as Keras and
 * PyTorch use them.
 *
 * <pre>{@code
 * Broadcast b = Broadcast.of(new int[] {64, 6, 24, 24}, new int[] {1, 6, 1, 1}); // bias over channels
 * }</pre>
 */
public record Broadcast(int[] shape, int[] stridesA, int[] stridesB) {
    public Broadcast {
        if (stridesA.length != shape.length || stridesB.length != shape.length) {
            throw new IllegalArgumentException("broadcast strides must have one entry per axis of " + Arrays.toString(shape));
        }
        shape = shape.clone();
        stridesA = stridesA.clone();
        stridesB = stridesB.clone();
    }

    /** Two operands of the same length, no broadcasting. */
    public static Broadcast same(long length) {
        return new Broadcast(new int[] {Math.toIntExact(length)}, new int[] {1}, new int[] {1});
    }

    /** Numpy broadcasting of two shapes (aligned at the right). */
    public static Broadcast of(int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] shape = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = dim(a, i, rank), db = dim(b, i, rank);
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException("shapes " + Arrays.toString(a) + " and " + Arrays.toString(b)
                        + " do not broadcast: axis " + i + " is " + da + " against " + db);
            }
            shape[i] = da == 1 ? db : da; // a 0-length axis against 1 stays 0, as numpy
        }
        return new Broadcast(shape, strides(a, shape), strides(b, shape));
    }

    private static int dim(int[] s, int i, int rank) {
        int j = i - (rank - s.length);
        return j < 0 ? 1 : s[j];
    }

    private static int[] strides(int[] s, int[] shape) {
        int[] st = new int[shape.length];
        int stride = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            int d = dim(s, i, shape.length);
            st[i] = d == 1 ? 0 : stride;
            stride *= d;
        }
        return st;
    }

    /** Elements of the output. */
    public long length() {
        long n = 1;
        for (int d : shape) n *= d;
        return n;
    }

    /** Elements an operand with these strides must hold: its largest index plus one. */
    public long spanOf(int[] strides) {
        long last = 0;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] == 0) return 0;
            last += (long) (shape[i] - 1) * strides[i];
        }
        return last + 1;
    }

    /** True when neither operand is broadcast, so the op is a flat loop. */
    public boolean isFlat() {
        return Arrays.equals(stridesA, stridesB) && Arrays.equals(stridesA, contiguous(shape));
    }

    /** The row-major strides of a dense array of the given shape (the last axis has stride 1). */
    public static int[] contiguous(int[] shape) {
        int[] st = new int[shape.length];
        int stride = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            st[i] = stride;
            stride *= shape[i];
        }
        return st;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Broadcast b && Arrays.equals(shape, b.shape) && Arrays.equals(stridesA, b.stridesA)
                && Arrays.equals(stridesB, b.stridesB);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(shape) * 31 + Arrays.hashCode(stridesA) * 7 + Arrays.hashCode(stridesB);
    }

    @Override
    public String toString() {
        return "Broadcast" + Arrays.toString(shape) + " a" + Arrays.toString(stridesA) + " b" + Arrays.toString(stridesB);
    }
}
