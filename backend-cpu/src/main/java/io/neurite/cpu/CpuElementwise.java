package io.neurite.cpu;

import io.neurite.device.Broadcast;
import io.neurite.device.Buffer;
import io.neurite.device.CounterRandom;
import io.neurite.device.DeviceException;
import io.neurite.device.Op;
import java.util.Arrays;

/**
 * Elementwise arithmetic, strided copies and dropout on float arrays. Broadcasting is resolved
 * per row by {@link ElementwiseStrides}, so a bias add runs the same inner loop as a flat add;
 * loops whose every operand shares one index are plain Java, which C2 vectorises, and the rest
 * go to {@link ElementwiseVector} where the Vector API is present. Reductions live in
 * {@link ElementwiseReductions}.
 */
final class CpuElementwise {
    /**
     * Elements per parallel chunk (about 50-100 us of work): a hand-off to a second core (woken, or busy with other processes on a shared machine) measured
     * tens of microseconds to milliseconds, so a chunk must carry well over that (MNIST's
     * tensors, 300K elements, stay on one thread).
     */
    static final int GRAIN = 256 * 1024;
    /** Rows shorter than this are widened by {@link #widen} where possible. */
    private static final int SHORT_ROW = 64;
    /** The largest broadcast block {@link #widen} copies out: 256 KB, cheap next to the op it speeds up. */
    private static final int MAX_EXPANDED = 64 * 1024;

    private CpuElementwise() {
    }

    /** {@code out = a op b} with numpy broadcasting; out may be a when the shapes are equal. */
    static void binary(Op op, float[] a, float[] b, float[] out, Broadcast shape) {
        ElementwiseStrides walk = walk(shape);
        if (walk.inner() < SHORT_ROW && walk.rows() > 1 && widen(op, a, b, out, shape, walk.inner())) return;
        run(op, a, b, out, walk);
    }

    private static ElementwiseStrides walk(Broadcast shape) {
        return ElementwiseStrides.of(shape.shape(), shape.stridesA(), shape.stridesB(), Broadcast.contiguous(shape.shape()));
    }

    private static void run(Op op, float[] a, float[] b, float[] out, ElementwiseStrides walk) {
        int sa = walk.innerStride(0), sb = walk.innerStride(1);
        walk.forEach(GRAIN, 0, 0, 0, (ia, ib, io, n) -> span(op, a, ia, sa, b, ib, sb, out, io, n));
    }

    /**
     * Short rows make the walk cost more than the arithmetic. When one operand is the whole
     * output-shaped tensor and the other ignores some leading axes, the trailing axes the other
     * depends on form a block that repeats unchanged: bias [c, 1] over [n, c, 4] repeats a block
     * of c*4. This copies that block out and runs [n, block] against it, with rows of the whole
     * block. Returns false, doing nothing, where the block is too big to copy, nothing repeats or
     * the rows would not get longer than rowLength.
     */
    private static boolean widen(Op op, float[] a, float[] b, float[] out, Broadcast shape, int rowLength) {
        int[] dims = shape.shape(), full = Broadcast.contiguous(dims);
        boolean aFull = Arrays.equals(shape.stridesA(), full), bFull = Arrays.equals(shape.stridesB(), full);
        if (aFull == bFull) return false;
        int[] strides = aFull ? shape.stridesB() : shape.stridesA();
        int lead = 0;
        while (lead < dims.length && strides[lead] == 0) lead++;
        int[] blockDims = Arrays.copyOfRange(dims, lead, dims.length);
        long outer = ElementwiseStrides.product(Arrays.copyOf(dims, lead)), block = ElementwiseStrides.product(blockDims);
        if (outer < 2 || block <= rowLength || block > MAX_EXPANDED) return false;
        float[] expanded = new float[(int) block];
        copy(blockDims, aFull ? b : a, 0, Arrays.copyOfRange(strides, lead, dims.length), expanded, 0, Broadcast.contiguous(blockDims));
        int[] whole = {(int) block, 1}, repeated = {0, 1}, wide = {(int) outer, (int) block};
        run(op, aFull ? a : expanded, aFull ? expanded : b, out,
                ElementwiseStrides.of(wide, aFull ? whole : repeated, aFull ? repeated : whole, whole));
        return true;
    }

    /**
     * One run of n outputs. Where each operand either varies along the run or is one broadcast
     * value (every layout numpy broadcasting produces), the Vector API does it: C2 leaves these
     * loops scalar because it cannot rule out that out overlaps an input at another offset.
     */
    private static void span(Op op, float[] a, int ia, int sa, float[] b, int ib, int sb, float[] out, int io, int n) {
        if (VectorSupport.AVAILABLE && (sa == 0 || sa == 1) && (sb == 0 || sb == 1)) {
            ElementwiseVector.binary(op, a, ia, sa == 1, b, ib, sb == 1, out, io, n);
            return;
        }
        for (int i = 0; i < n; i++) out[io + i] = apply(op, a[ia + i * sa], b[ib + i * sb]);
    }

    static float apply(Op op, float x, float y) {
        return switch (op) {
            case ADD -> x + y;
            case SUBTRACT -> x - y;
            case MULTIPLY -> x * y;
            case DIVIDE -> x / y;
            default -> throw notBinary(op);
        };
    }

    private static DeviceException notBinary(Op op) {
        return new DeviceException(op + " is not a binary op");
    }

    /** {@code y = alpha x}; y may be x. */
    static void scale(int n, float alpha, float[] x, float[] y) {
        Parallel.forRange(n, GRAIN, (from, to) -> {
            for (int i = from; i < to; i++) y[i] = alpha * x[i];
        });
    }

    /** {@code y += alpha x}. */
    static void axpy(int n, float alpha, float[] x, float[] y) {
        Parallel.forRange(n, GRAIN, (from, to) -> {
            for (int i = from; i < to; i++) y[i] += alpha * x[i];
        });
    }

    static void reduce(Op op, int outer, int axis, int inner, float[] x, float[] y) {
        ElementwiseReductions.reduce(op, outer, axis, inner, x, y);
    }

    static void biasGradient(int outer, int channels, int inner, float[] dy, float[] db) {
        ElementwiseReductions.biasGradient(outer, channels, inner, dy, db);
    }

    /** A strided block copy between two float32 or two int32 buffers. */
    static void copy(int[] shape, Buffer src, int srcOffset, int[] srcStrides, Buffer dst, int dstOffset, int[] dstStrides) {
        for (int axis = 0; axis < shape.length; axis++) {
            if (srcStrides[axis] < 0 || dstStrides[axis] < 0) {
                throw new DeviceException("COPY: negative stride on axis " + axis + " (src " + srcStrides[axis]
                        + ", dst " + dstStrides[axis] + "); flip the block with offsets instead");
            }
        }
        boolean floats = CpuBuffer.f(src) != null;
        copy(shape, floats ? CpuBuffer.f(src) : CpuBuffer.i(src), srcOffset, srcStrides,
                floats ? CpuBuffer.f(dst) : CpuBuffer.i(dst), dstOffset, dstStrides);
    }

    /**
     * The copy on two float[] or two int[] arrays. Runs whose both sides are contiguous become
     * {@link System#arraycopy}; a transposing run steps element by element.
     */
    private static void copy(int[] shape, Object src, int srcOffset, int[] srcStrides, Object dst, int dstOffset, int[] dstStrides) {
        ElementwiseStrides walk = ElementwiseStrides.of(shape, srcStrides, dstStrides, new int[shape.length]);
        int ss = walk.innerStride(0), ds = walk.innerStride(1);
        walk.forEach(GRAIN, srcOffset, dstOffset, 0, (is, id, unused, n) -> {
            if (ss == 1 && ds == 1) {
                System.arraycopy(src, is, dst, id, n);
            } else if (src instanceof float[] sf && dst instanceof float[] df) {
                for (int i = 0; i < n; i++) df[id + i * ds] = sf[is + i * ss];
            } else {
                int[] si = (int[]) src, di = (int[]) dst;
                for (int i = 0; i < n; i++) di[id + i * ds] = si[is + i * ss];
            }
        });
    }

    /**
     * Inverted dropout: element i survives when {@link CounterRandom#uniform}(seed, i) is at least
     * rate and is then scaled by 1/(1-rate), so every backend and every chunking draws the same mask.
     */
    static void dropout(int n, float rate, long seed, float[] x, float[] mask, float[] y) {
        float keep = 1f / (1f - rate);
        Parallel.forRange(n, GRAIN, (from, to) -> {
            if (VectorSupport.AVAILABLE) {
                ElementwiseVector.dropout(x, mask, y, from, to, rate, seed, keep);
                return;
            }
            for (int i = from; i < to; i++) {
                float m = CounterRandom.uniform(seed, i) >= rate ? keep : 0f;
                mask[i] = m;
                y[i] = x[i] * m;
            }
        });
    }
}
