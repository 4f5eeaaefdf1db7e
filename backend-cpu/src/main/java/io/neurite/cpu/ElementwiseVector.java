package io.neurite.cpu;

import io.neurite.device.DeviceException;
import io.neurite.device.Op;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API kernels for the elementwise loops C2 leaves scalar: runs whose operands start at
 * unrelated offsets (C2 cannot rule out aliasing), selects (leaky ReLU's backward, dropout),
 * single-accumulator reductions, and exp, tanh and sigmoid, which use {@link VectorMath} so that
 * they give the same bits compiled or interpreted. Loaded only when {@link VectorSupport#AVAILABLE}.
 * Where lanes and scalars could round differently (exp, tanh, sums), a range ends in one masked
 * vector rather than a scalar loop, so an element's result does not depend on where it falls in
 * its range; sums add their lanes in lane order.
 */
final class ElementwiseVector {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    /** Elements summed in float lanes before the running total moves to double. */
    private static final int SUM_BLOCK = 1024;
    /**
     * Elements per call of a loop's block method. A kernel called once a batch would run many
     * batches interpreted, where the Vector API is a hundred times slower and allocates on every
     * operation, before its invocation count earned a compilation; a block method is called a
     * hundred times a batch and is compiled within the first few. C2 then inlines it back.
     */
    private static final int JIT_BLOCK = 64;

    private ElementwiseVector() {
    }

    /**
     * {@code out[io+i] = a op b} for i below n, where each operand either varies (stride one) or
     * is one value broadcast (stride zero). The op is loop-invariant, so its switch costs nothing.
     */
    static void binary(Op op, float[] a, int ia, boolean aVaries, float[] b, int ib, boolean bVaries,
                       float[] out, int io, int n) {
        float as = a[ia], bs = b[ib];
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += S.length()) {
            // Broadcasts are made inside the loop, where C2 hoists them; a vector held in a local across calls may be boxed.
            FloatVector x = aVaries ? FloatVector.fromArray(S, a, ia + i) : FloatVector.broadcast(S, as);
            FloatVector y = bVaries ? FloatVector.fromArray(S, b, ib + i) : FloatVector.broadcast(S, bs);
            apply(op, x, y).intoArray(out, io + i);
        }
        // Arithmetic rounds the same in a lane as in a scalar, and for short rows a scalar tail beats a mask.
        int sa = aVaries ? 1 : 0, sb = bVaries ? 1 : 0;
        for (; i < n; i++) out[io + i] = CpuElementwise.apply(op, a[ia + i * sa], b[ib + i * sb]);
    }

    private static FloatVector apply(Op op, FloatVector x, FloatVector y) {
        return switch (op) {
            case ADD -> x.add(y);
            case SUBTRACT -> x.sub(y);
            case MULTIPLY -> x.mul(y);
            case DIVIDE -> x.div(y);
            default -> throw new DeviceException(op + " is not a binary op");
        };
    }

    /** {@code dx = x > 0 ? dy : slope dy} on [from, to). */
    static void leakyBackward(float[] x, float[] dy, float[] dx, int from, int to, float slope) {
        for (int b = from; b < to; b += JIT_BLOCK) leakyBackwardBlock(x, dy, dx, b, Math.min(to, b + JIT_BLOCK), slope);
    }

    private static void leakyBackwardBlock(float[] x, float[] dy, float[] dx, int from, int to, float slope) {
        int i = from;
        for (int bound = from + S.loopBound(to - from); i < bound; i += S.length()) {
            FloatVector g = FloatVector.fromArray(S, dy, i);
            g.mul(slope).blend(g, FloatVector.fromArray(S, x, i).compare(VectorOperators.GT, 0f)).intoArray(dx, i);
        }
        if (i < to) {
            VectorMask<Float> m = S.indexInRange(i, to);
            FloatVector g = FloatVector.fromArray(S, dy, i, m);
            g.mul(slope).blend(g, FloatVector.fromArray(S, x, i, m).compare(VectorOperators.GT, 0f)).intoArray(dx, i, m);
        }
    }

    /**
     * Dropout on [from, to): {@link io.neurite.device.CounterRandom#uniform} computed in int lanes,
     * with the same 32-bit wrap-around arithmetic, so the mask matches it bit for bit.
     */
    static void dropout(float[] x, float[] mask, float[] y, int from, int to, float rate, long seed, float keep) {
        for (int b = from; b < to; b += JIT_BLOCK) dropoutBlock(x, mask, y, b, Math.min(to, b + JIT_BLOCK), rate, seed, keep);
    }

    private static void dropoutBlock(float[] x, float[] mask, float[] y, int from, int to, float rate, long seed, float keep) {
        int i = from;
        for (int bound = from + S.loopBound(to - from); i < bound; i += S.length()) {
            FloatVector scale = dropoutScale(i, rate, seed, keep);
            scale.intoArray(mask, i);
            FloatVector.fromArray(S, x, i).mul(scale).intoArray(y, i);
        }
        if (i < to) {
            VectorMask<Float> m = S.indexInRange(i, to);
            FloatVector scale = dropoutScale(i, rate, seed, keep);
            scale.intoArray(mask, i, m);
            FloatVector.fromArray(S, x, i, m).mul(scale).intoArray(y, i, m);
        }
    }

    /** The mask of elements i .. i+lanes-1: keep where uniform(seed, index) is at least rate, else 0. */
    private static FloatVector dropoutScale(int i, float rate, long seed, float keep) {
        IntVector index = IntVector.broadcast(I, i).addIndex(1);
        IntVector h = mix(index.mul(0x9E3779B9).lanewise(VectorOperators.XOR, (int) seed));
        h = mix(h.lanewise(VectorOperators.XOR, (int) (seed >>> 32)));
        FloatVector u = ((FloatVector) h.lanewise(VectorOperators.LSHR, 8).convert(VectorOperators.I2F, 0)).mul(0x1.0p-24f);
        return FloatVector.zero(S).blend(keep, u.compare(VectorOperators.GE, rate));
    }

    /** murmur3's finaliser, as {@link io.neurite.device.CounterRandom} applies it. */
    private static IntVector mix(IntVector h) {
        h = h.lanewise(VectorOperators.XOR, h.lanewise(VectorOperators.LSHR, 16)).mul(0x85EBCA6B);
        h = h.lanewise(VectorOperators.XOR, h.lanewise(VectorOperators.LSHR, 13)).mul(0xC2B2AE35);
        return h.lanewise(VectorOperators.XOR, h.lanewise(VectorOperators.LSHR, 16));
    }

    /** Sum of x[off..off+n), in float lanes per block and in double across blocks. */
    static double sum(float[] x, int off, int n) {
        double total = 0;
        for (int b = 0; b < n; b += SUM_BLOCK) {
            int end = Math.min(n, b + SUM_BLOCK);
            FloatVector acc = FloatVector.zero(S);
            int i = b;
            for (int bound = b + S.loopBound(end - b); i < bound; i += S.length()) acc = acc.add(FloatVector.fromArray(S, x, off + i));
            if (i < end) acc = acc.add(FloatVector.fromArray(S, x, off + i, S.indexInRange(i, end)));
            total += VectorMath.sum(acc);
        }
        return total;
    }

    /** Dot product of a and b over [off, off+n), accumulated as {@link #sum} does. */
    static double dot(float[] a, float[] b, int off, int n) {
        double total = 0;
        for (int blk = 0; blk < n; blk += SUM_BLOCK) {
            int end = Math.min(n, blk + SUM_BLOCK);
            FloatVector acc = FloatVector.zero(S);
            int i = blk;
            for (int bound = blk + S.loopBound(end - blk); i < bound; i += S.length()) {
                acc = FloatVector.fromArray(S, a, off + i).fma(FloatVector.fromArray(S, b, off + i), acc);
            }
            if (i < end) {
                VectorMask<Float> m = S.indexInRange(i, end);
                acc = FloatVector.fromArray(S, a, off + i, m).fma(FloatVector.fromArray(S, b, off + i, m), acc);
            }
            total += VectorMath.sum(acc);
        }
        return total;
    }

    /** Largest of x[off..off+n), n at least one, with {@link Math#max}'s NaN and signed-zero rules. */
    static float max(float[] x, int off, int n) {
        FloatVector acc = FloatVector.broadcast(S, x[off]);
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += S.length()) acc = acc.max(FloatVector.fromArray(S, x, off + i));
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            acc = acc.lanewise(VectorOperators.MAX, FloatVector.fromArray(S, x, off + i, m), m);
        }
        return acc.reduceLanes(VectorOperators.MAX);
    }

    static void sigmoid(float[] x, float[] y, int from, int to) {
        for (int b = from; b < to; b += JIT_BLOCK) sigmoidBlock(x, y, b, Math.min(to, b + JIT_BLOCK));
    }

    private static void sigmoidBlock(float[] x, float[] y, int from, int to) {
        int i = from;
        for (int bound = from + S.loopBound(to - from); i < bound; i += S.length()) {
            sigmoid(FloatVector.fromArray(S, x, i)).intoArray(y, i);
        }
        if (i < to) {
            VectorMask<Float> m = S.indexInRange(i, to);
            sigmoid(FloatVector.fromArray(S, x, i, m)).intoArray(y, i, m);
        }
    }

    private static FloatVector sigmoid(FloatVector v) {
        return VectorMath.sigmoid(v);
    }

    static void tanh(float[] x, float[] y, int from, int to) {
        for (int b = from; b < to; b += JIT_BLOCK) tanhBlock(x, y, b, Math.min(to, b + JIT_BLOCK));
    }

    private static void tanhBlock(float[] x, float[] y, int from, int to) {
        int i = from;
        for (int bound = from + S.loopBound(to - from); i < bound; i += S.length()) {
            VectorMath.tanh(FloatVector.fromArray(S, x, i)).intoArray(y, i);
        }
        if (i < to) {
            VectorMask<Float> m = S.indexInRange(i, to);
            VectorMath.tanh(FloatVector.fromArray(S, x, i, m)).intoArray(y, i, m);
        }
    }

    static double expShifted(float[] x, int off, int n, float shift, float[] out, int outOff) {
        double total = 0;
        for (int b = 0; b < n; b += SUM_BLOCK) {
            int end = Math.min(n, b + SUM_BLOCK);
            FloatVector acc = FloatVector.zero(S);
            int i = b;
            for (int bound = b + S.loopBound(end - b); i < bound; i += S.length()) {
                FloatVector e = VectorMath.exp(FloatVector.fromArray(S, x, off + i).sub(shift));
                e.intoArray(out, outOff + i);
                acc = acc.add(e);
            }
            if (i < end) {
                VectorMask<Float> m = S.indexInRange(i, end);
                FloatVector e = VectorMath.exp(FloatVector.fromArray(S, x, off + i, m).sub(shift));
                e.intoArray(out, outOff + i, m);
                acc = acc.add(e, m);
            }
            total += VectorMath.sum(acc);
        }
        return total;
    }
}
