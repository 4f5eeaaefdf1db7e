package io.neurite.tensor;

import io.neurite.device.Broadcast;
import io.neurite.device.DType;
import io.neurite.device.Op;
import java.util.Arrays;

/**
 * Arithmetic on tensors, each op with its gradient: broadcasting elementwise ops, matmul,
 * reductions, reshape, argmax, one-hot and concatenation.
 */
public final class TensorMath {
    private TensorMath() {
    }

    public static Tensor add(Tensor a, Tensor b) {
        return binary(Op.ADD, a, b);
    }

    public static Tensor sub(Tensor a, Tensor b) {
        return binary(Op.SUBTRACT, a, b);
    }

    public static Tensor mul(Tensor a, Tensor b) {
        return binary(Op.MULTIPLY, a, b);
    }

    public static Tensor div(Tensor a, Tensor b) {
        return binary(Op.DIVIDE, a, b);
    }

    private static Tensor binary(Op op, Tensor a, Tensor b) {
        sameDevice(a, b);
        Broadcast bc = Broadcast.of(a.shape(), b.shape());
        Tensor out = Tensor.uninitialized(a.device(), bc.shape()); // the op writes every element
        a.ops().binary(op, a.buffer(), b.buffer(), out.buffer(), bc);
        return Autograd.record(out, op.name().toLowerCase(), g -> switch (op) {
            case ADD -> new Tensor[] {sumTo(g, a.shape()), sumTo(g, b.shape())};
            case SUBTRACT -> new Tensor[] {sumTo(g, a.shape()), sumTo(scale(g, -1), b.shape())};
            case MULTIPLY -> new Tensor[] {
                    a.isRequiringGrad() ? sumTo(mul(g, b), a.shape()) : null,
                    b.isRequiringGrad() ? sumTo(mul(g, a), b.shape()) : null};
            default -> new Tensor[] {
                    a.isRequiringGrad() ? sumTo(div(g, b), a.shape()) : null,
                    b.isRequiringGrad() ? sumTo(scale(div(mul(g, out), b), -1), b.shape()) : null};
        }, a, b);
    }

    /** {@code s x}. */
    public static Tensor scale(Tensor x, float s) {
        Tensor out = Tensor.uninitialized(x.device(), x.shape());
        x.ops().scale(Math.toIntExact(x.size()), s, x.buffer(), out.buffer());
        return Autograd.record(out, "scale", g -> new Tensor[] {scale(g, s)}, x);
    }

    /**
     * Matrix product: a [..., k] times b [k, n] gives [..., n] (leading axes of a are flattened,
     * so a dense layer applies to every step of a sequence at once).
     */
    public static Tensor matmul(Tensor a, Tensor b) {
        sameDevice(a, b);
        int k = a.dim(-1);
        if (b.rank() != 2 || b.dim(0) != k) {
            throw new IllegalArgumentException("matmul of " + Arrays.toString(a.shape()) + " and " + Arrays.toString(b.shape())
                    + ": inner dimensions differ or b is not a matrix");
        }
        int m = Math.toIntExact(a.size() / Math.max(1, k)), n = b.dim(1);
        int[] outShape = a.shape();
        outShape[outShape.length - 1] = n;
        Tensor out = Tensor.uninitialized(a.device(), outShape);
        a.ops().gemm(false, false, m, n, k, 1, a.buffer(), b.buffer(), 0, out.buffer());
        return Autograd.record(out, "matmul", g -> {
            Tensor da = null, db = null;
            if (a.isRequiringGrad()) {
                da = Tensor.uninitialized(a.device(), a.shape());
                a.ops().gemm(false, true, m, k, n, 1, g.buffer(), b.buffer(), 0, da.buffer());
            }
            if (b.isRequiringGrad()) {
                db = Tensor.uninitialized(b.device(), b.shape());
                a.ops().gemm(true, false, k, n, m, 1, a.buffer(), g.buffer(), 0, db.buffer());
            }
            return new Tensor[] {da, db};
        }, a, b);
    }

    /** The sum of all elements, shape [1]. */
    public static Tensor sum(Tensor x) {
        return reduceAll(Op.SUM, x);
    }

    /** The mean of all elements, shape [1]. */
    public static Tensor mean(Tensor x) {
        return reduceAll(Op.MEAN, x);
    }

    private static Tensor reduceAll(Op op, Tensor x) {
        int n = Math.toIntExact(x.size());
        Tensor out = Tensor.zeros(x.device(), 1);
        x.ops().reduce(op, 1, n, 1, x.buffer(), out.buffer());
        float f = op == Op.MEAN ? 1f / n : 1f;
        return Autograd.record(out, op.name().toLowerCase(), g -> new Tensor[] {expand(f == 1 ? g : scale(g, f), x.shape())}, x);
    }

    /**
     * Reduces one axis: {@link Op#SUM}, {@link Op#MEAN} or {@link Op#MAX}; keepDims leaves it
     * as size 1. MAX is not differentiable here.
     */
    public static Tensor reduce(Op op, Tensor x, int axis, boolean keepDims) {
        int[] s = x.shape();
        int ax = axis < 0 ? s.length + axis : axis;
        int outer = (int) Tensor.size(Arrays.copyOfRange(s, 0, ax)), inner = (int) Tensor.size(Arrays.copyOfRange(s, ax + 1, s.length));
        int[] kept = s.clone();
        kept[ax] = 1;
        Tensor out = Tensor.zeros(x.device(), kept);
        x.ops().reduce(op, outer, s[ax], inner, x.buffer(), out.buffer());
        // MAX records no gradient: nothing in the layers needs one (pooling has its own op).
        Tensor result = op == Op.MAX ? out : Autograd.record(out, op.name().toLowerCase() + "(axis " + ax + ")",
                g -> new Tensor[] {expand(op == Op.MEAN ? scale(g, 1f / s[ax]) : g, s)}, x);
        return keepDims ? result : reshape(result, dropAxis(s, ax));
    }

    private static int[] dropAxis(int[] s, int ax) {
        int[] r = new int[s.length - 1];
        for (int i = 0, j = 0; i < s.length; i++) if (i != ax) r[j++] = s[i];
        return r.length == 0 ? new int[] {1} : r;
    }

    /** Broadcasts g to shape (the gradient of a reduction). */
    static Tensor expand(Tensor g, int[] shape) {
        if (Arrays.equals(g.shape(), shape)) return g;
        Tensor out = Tensor.zeros(g.device(), shape);
        g.ops().binary(Op.ADD, out.buffer(), g.buffer(), out.buffer(), Broadcast.of(shape, g.shape()));
        return out;
    }

    /** Sums g over the axes that broadcasting expanded, back to shape (the gradient of a broadcast). */
    static Tensor sumTo(Tensor g, int[] shape) {
        int[] cur = g.shape();
        if (Arrays.equals(cur, shape)) return g;
        int[] target = new int[cur.length];
        Arrays.fill(target, 1);
        System.arraycopy(shape, 0, target, cur.length - shape.length, shape.length);
        int kept = -1, keptCount = 0;
        for (int i = 0; i < cur.length; i++) {
            if (target[i] != 1) {
                kept = i;
                keptCount++;
            }
        }
        if (keptCount == 1 && target[kept] == cur[kept]) {
            // A bias: one fused reduction over every other axis.
            int outer = (int) Tensor.size(Arrays.copyOfRange(cur, 0, kept));
            int inner = (int) Tensor.size(Arrays.copyOfRange(cur, kept + 1, cur.length));
            Tensor out = Tensor.zeros(g.device(), shape);
            g.ops().biasGradient(outer, cur[kept], inner, g.buffer(), out.buffer());
            return out;
        }
        Tensor t = g;
        for (int i = 0; i < cur.length; i++) {
            if (target[i] == 1 && cur[i] != 1) {
                int outer = (int) Tensor.size(Arrays.copyOfRange(cur, 0, i)), inner = (int) Tensor.size(Arrays.copyOfRange(cur, i + 1, cur.length));
                int[] next = cur.clone();
                next[i] = 1;
                Tensor r = Tensor.zeros(g.device(), next);
                g.ops().reduce(Op.SUM, outer, cur[i], inner, t.buffer(), r.buffer());
                t = r;
                cur = next;
            }
        }
        return t.view(shape);
    }

    /** A view of x with another shape of the same size; one dimension may be -1. */
    public static Tensor reshape(Tensor x, int... newShape) {
        int[] s = newShape.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1) {
                if (infer >= 0) throw new IllegalArgumentException("only one -1 allowed in " + Arrays.toString(newShape));
                infer = i;
            } else {
                known *= s[i];
            }
        }
        if (infer >= 0) s[infer] = known == 0 ? 0 : (int) (x.size() / known);
        if (Tensor.size(s) != x.size()) {
            throw new IllegalArgumentException("cannot reshape " + Arrays.toString(x.shape()) + " to " + Arrays.toString(newShape));
        }
        int[] old = x.shape();
        return Autograd.record(x.view(s), "reshape", g -> new Tensor[] {g.view(old)}, x);
    }

    /** Index of the maximum along the last axis, as int32 of shape [rows]. */
    public static Tensor argmax(Tensor x) {
        int cols = x.dim(-1), rows = Math.toIntExact(x.size() / cols);
        Tensor out = Tensor.zeros(x.device(), DType.INT32, rows);
        x.ops().argmax(rows, cols, x.buffer(), out.buffer());
        return out;
    }

    /**
     * {@code cond ? a : b} elementwise with cond as 1/0 floats, broadcast; composed of
     * differentiable ops, so the gradient reaches a where cond is 1 and b elsewhere.
     */
    public static Tensor where(Tensor cond, Tensor a, Tensor b) {
        Tensor one = Tensor.ones(cond.device(), 1);
        return add(mul(cond, a), mul(sub(one, cond), b));
    }

    /**
     * The same values as another dtype (float to int truncates toward zero). Done on the host:
     * casts are for labels and indices, which are small, and have no gradient.
     */
    public static Tensor cast(Tensor x, DType to) {
        if (x.dtype() == to) return x;
        if (to == DType.FLOAT32) return Tensor.of(x.device(), x.toFloatArray(), x.shape());
        float[] f = x.toFloatArray();
        int[] v = new int[f.length];
        for (int i = 0; i < f.length; i++) v[i] = (int) f[i];
        return Tensor.of(x.device(), v, x.shape());
    }

    /** One-hot float rows [n, classes] from int labels (done on the host: labels are small). */
    public static Tensor oneHot(Tensor labels, int classes) {
        int[] y = labels.toIntArray();
        float[] v = new float[y.length * classes];
        for (int i = 0; i < y.length; i++) {
            if (y[i] < 0 || y[i] >= classes) throw new IllegalArgumentException("label " + y[i] + " at " + i + " is outside [0, " + classes + ")");
            v[i * classes + y[i]] = 1;
        }
        return Tensor.of(labels.device(), v, y.length, classes);
    }

    /** Concatenation along axis (1 = channels for NCHW), with its gradient (a split). */
    public static Tensor concat(int axis, Tensor... parts) {
        int[] shape = parts[0].shape();
        int ax = axis < 0 ? shape.length + axis : axis;
        int total = 0;
        for (Tensor p : parts) {
            sameDevice(parts[0], p);
            int[] ps = p.shape();
            ps[ax] = shape[ax];
            if (!Arrays.equals(ps, shape)) throw new IllegalArgumentException("concat: shapes differ off axis " + ax + ": "
                    + Arrays.toString(parts[0].shape()) + " and " + Arrays.toString(p.shape()));
            total += p.dim(ax);
        }
        int[] outShape = shape.clone();
        outShape[ax] = total;
        int rowLength = total;
        Tensor out = Tensor.zeros(parts[0].device(), outShape);
        int outer = (int) Tensor.size(Arrays.copyOfRange(shape, 0, ax)), inner = (int) Tensor.size(Arrays.copyOfRange(shape, ax + 1, shape.length));
        int[] offsets = new int[parts.length];
        for (int i = 0, off = 0; i < parts.length; off += parts[i].dim(ax), i++) {
            offsets[i] = off;
            int len = parts[i].dim(ax) * inner;
            out.ops().copy(new int[] {outer, len}, parts[i].buffer(), 0, new int[] {len, 1},
                    out.buffer(), (long) off * inner, new int[] {rowLength * inner, 1});
        }
        return Autograd.record(out, "concat", g -> {
            Tensor[] grads = new Tensor[parts.length];
            for (int i = 0; i < parts.length; i++) {
                if (!parts[i].isRequiringGrad()) continue;
                int len = parts[i].dim(ax) * inner;
                grads[i] = Tensor.zeros(g.device(), parts[i].shape());
                g.ops().copy(new int[] {outer, len}, g.buffer(), (long) offsets[i] * inner, new int[] {rowLength * inner, 1},
                        grads[i].buffer(), 0, new int[] {len, 1});
            }
            return grads;
        }, parts);
    }

    static void sameDevice(Tensor a, Tensor b) {
        if (a.device() != b.device()) {
            throw new IllegalArgumentException("tensors on two devices: " + a + " and " + b + "; move one first");
        }
    }
}
