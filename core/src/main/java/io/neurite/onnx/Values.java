package io.neurite.onnx;

import io.neurite.nn.Node;
import io.neurite.nn.Recurrent;
import java.io.IOException;
import java.util.Arrays;

/**
 * What an ONNX value is while its graph is imported: a constant (an initialiser, a Constant, or a
 * shape folded from them, whose entries may be the symbolic batch size), the output of a Neurite
 * node (with the batch on axis 0), or one of the forms that only ONNX's recurrent ops and their
 * Transposes and Squeezes pass between them.
 */
final class Values {
    /** The batch size, unknown until run, as an entry of a folded shape. */
    static final long BATCH = Long.MIN_VALUE;
    /** The most elements a constant folded at import (a shape, axes, indices) may have. */
    static final int MAX_FOLDED = 1 << 20;

    private Values() {
    }

    sealed interface Value permits Const, Dyn, TimeMajor, StateMajor, Zeros, Rnn, Broken {
    }

    /** A constant: its dimensions, and its values decoded from the file only when asked. */
    static final class Const implements Value {
        final long[] dims;
        final boolean floating;
        private final TensorData data;
        private long[] longs;
        private float[] floats;

        Const(TensorData data) {
            this.data = data;
            dims = data.dims;
            floating = data.isFloat();
        }

        private Const(long[] dims, boolean floating, TensorData data, long[] longs, float[] floats) {
            this.dims = dims;
            this.floating = floating;
            this.data = data;
            this.longs = longs;
            this.floats = floats;
        }

        static Const ofLongs(long[] dims, long... v) {
            return new Const(dims, false, null, v, null);
        }

        static Const ofFloats(long[] dims, float... v) {
            return new Const(dims, true, null, null, v);
        }

        /** The same values with other dimensions (Reshape, Squeeze, Unsqueeze, Cast to itself). */
        Const reshaped(long[] d) {
            return new Const(d, floating, data, longs, floats);
        }

        long count() {
            long n = 1;
            for (long d : dims) n *= d;
            return n;
        }

        int rank() {
            return dims.length;
        }

        /** The values as longs, for shapes, axes and indices: refused beyond {@link #MAX_FOLDED} elements. */
        long[] longs() throws IOException {
            if (longs != null) return longs;
            if (count() > MAX_FOLDED) throw new Refused("a constant of " + count() + " elements where a shape or indices are expected");
            if (floats != null) return Arrays.stream(toDoubles(floats)).mapToLong(x -> (long) x).toArray();
            return longs = data.longs();
        }

        /** The values as floats (weights); a constant holding the batch symbol has none. */
        float[] floats() throws IOException {
            if (floats != null) return floats;
            if (longs != null) {
                float[] f = new float[longs.length];
                for (int i = 0; i < f.length; i++) {
                    if (longs[i] == BATCH) throw new Refused("a shape holding the batch size is used as data");
                    f[i] = longs[i];
                }
                return f;
            }
            return floats = data.floats();
        }

        boolean symbolic() throws IOException {
            if (floating || count() > MAX_FOLDED) return false;
            for (long v : longs()) if (v == BATCH) return true;
            return false;
        }

        private static double[] toDoubles(float[] f) {
            double[] d = new double[f.length];
            for (int i = 0; i < f.length; i++) d[i] = f[i];
            return d;
        }
    }

    /**
     * The output of a Neurite node: {@code shape} is ONNX's per-sample shape, {@code real} the
     * node's own (they differ by axes of 1, as a GlobalAveragePool's [C, 1, 1] that Neurite gives as
     * [C]); a consumer that needs ONNX's shape gets a Reshape made once.
     */
    static final class Dyn implements Value {
        final Node node;
        final int[] shape;
        final int[] real;
        Node reshaped;

        Dyn(Node node, int[] shape, int[] real) {
            this.node = node;
            this.shape = shape;
            this.real = real;
        }

        Dyn(Node node, int[] shape) {
            this(node, shape, shape);
        }

        int rank() {
            return shape.length + 1;
        }

        /** The full ONNX shape, the batch first. */
        String describe() {
            return "[N" + (shape.length == 0 ? "" : ", " + Arrays.toString(shape).substring(1));
        }
    }

    /** A [N, T, F] value transposed to ONNX's time-major [T, N, F], which only a recurrent op takes. */
    record TimeMajor(Dyn batchMajor) implements Value {
    }

    /** A [N, H] value given a leading axis of 1: a recurrent op's initial state [1, N, H]. */
    record StateMajor(Dyn state) implements Value {
    }

    /**
     * An output of a recurrent op: Y [T, 1, N, H] (squeezed: [T, N, H]), Y_h [1, N, H] or Y_c. The
     * layer is placed when one of them reaches a batch-major form, which also says whether it
     * returns sequences.
     */
    record Rnn(Recurrent layer, String name, Node[] inputs, int output, boolean squeezed, int steps, int units, RnnState state) implements Value {
        Rnn with(boolean squeezedNow) {
            return new Rnn(layer, name, inputs, output, squeezedNow, steps, units, state);
        }
    }

    /** Which of a recurrent op's outputs has become a layer's output. */
    static final class RnnState {
        Integer used;
        Node node;
    }

    /** Zeros of a shape holding the batch size (PyTorch's initial states when none are given). */
    record Zeros(long[] dims) implements Value {
    }

    /** A value that could not be imported (its node's problem is listed already). */
    record Broken() implements Value {
    }

    /** Aborts one node's conversion with the reason. */
    static final class Refused extends RuntimeException {
        Refused(String what) {
            super(what, null, false, false);
        }
    }
}
