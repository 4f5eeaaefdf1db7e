package io.neurite.onnx;

import io.neurite.nn.Flatten;
import io.neurite.nn.Reshape;
import io.neurite.onnx.Values.Const;
import io.neurite.onnx.Values.Dyn;
import io.neurite.onnx.Values.Refused;
import io.neurite.onnx.Values.StateMajor;
import io.neurite.onnx.Values.TimeMajor;
import io.neurite.onnx.Values.Value;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import onnx.Onnx.TensorProto;

/**
 * Shape ops: folded at import where their inputs are constants (PyTorch's Shape, Gather,
 * Unsqueeze and Concat chains that compute a Reshape's target, the batch size kept as a symbol),
 * and views (Reshape, Flatten, Squeeze, Unsqueeze) of computed values.
 */
final class ShapeOps {
    static final long BATCH = Values.BATCH;

    private ShapeOps() {
    }

    static void constant(Step s) {
        TensorProto t = s.attrs.tensor("value");
        float[] fs;
        long[] ls;
        if (t != null) {
            TensorData d = new TensorData(t, null);
            s.require(d.problem == null, String.valueOf(d.problem));
            s.out(0, new Const(d));
        } else if (s.attrs.has("value_float")) {
            s.out(0, Const.ofFloats(new long[0], s.attrs.f("value_float", 0)));
        } else if ((fs = s.attrs.floats("value_floats")) != null) {
            s.out(0, Const.ofFloats(new long[] {fs.length}, fs));
        } else if (s.attrs.has("value_int")) {
            s.out(0, Const.ofLongs(new long[0], s.attrs.i("value_int", 0)));
        } else if ((ls = s.attrs.ints("value_ints", null)) != null) {
            s.out(0, Const.ofLongs(new long[] {ls.length}, ls));
        } else {
            throw new Refused("only value, value_float(s) and value_int(s) constants are supported");
        }
    }

    static void identity(Step s) {
        s.out(0, s.in(0));
    }

    /** A Pad of zeros on every side (PyTorch writes one before an average pool) is an identity; other pads are refused. */
    static void pad(Step s) throws IOException {
        s.require(s.attrs.s("mode", "constant").equals("constant"), "mode " + s.attrs.s("mode", "") + " is not supported");
        long[] pads = s.opset() >= 11 ? s.constant(1, "pads").longs() : s.attrs.ints("pads", new long[0]);
        if (s.opset() < 11) s.attrs.f("value", 0);
        s.require(!s.has(3), "axes are not supported");
        s.require(Arrays.stream(pads).allMatch(p -> p == 0), "pads " + Arrays.toString(pads)
                + " are not supported (only none; a convolution's or pool's own pads are)");
        s.out(0, s.in(0));
    }

    static void cast(Step s) throws IOException {
        long to = s.attrs.i("to", 0);
        boolean toFloat = to == TensorProto.DataType.FLOAT_VALUE || to == TensorProto.DataType.DOUBLE_VALUE;
        boolean toInt = to == TensorProto.DataType.INT64_VALUE || to == TensorProto.DataType.INT32_VALUE;
        s.require(toFloat || toInt, "Cast to " + TensorData.typeName((int) to) + " is not supported (float, double, int64, int32 are)");
        Value v = s.in(0);
        if (v instanceof Const c) {
            if (c.floating == toFloat) s.out(0, c);
            else s.out(0, toFloat ? Const.ofFloats(c.dims, c.floats()) : Const.ofLongs(c.dims, c.longs()));
        } else {
            // Neurite computes in float; ids cast to int64 stay whole numbers, which Embedding takes.
            s.dynamic(0);
            s.out(0, v);
        }
    }

    static void shape(Step s) {
        Value v = s.in(0);
        long[] full;
        if (v instanceof Const c) {
            full = c.dims.clone();
        } else {
            Dyn d = v instanceof TimeMajor tm ? tm.batchMajor() : s.dynamic(0);
            full = new long[d.rank()];
            full[0] = BATCH;
            for (int i = 0; i < d.shape.length; i++) full[i + 1] = d.shape[i];
            if (v instanceof TimeMajor) {
                full[0] = full[1];
                full[1] = BATCH;
            }
        }
        int r = full.length;
        int start = (int) clamp(s.attrs.i("start", 0), r), end = (int) clamp(s.attrs.i("end", r), r);
        long[] part = Arrays.copyOfRange(full, start, Math.max(start, end));
        s.out(0, Const.ofLongs(new long[] {part.length}, part));
    }

    private static long clamp(long i, int r) {
        return Math.max(0, Math.min(r, i < 0 ? i + r : i));
    }

    static void constantOfShape(Step s) throws IOException {
        long[] shape = s.constant(0, "the shape").longs();
        TensorProto t = s.attrs.tensor("value");
        float v = 0;
        if (t != null) {
            TensorData d = new TensorData(t, null);
            s.require(d.problem == null && d.count() == 1, "value must be one number");
            v = d.floats()[0];
        }
        long n = 1;
        for (long d : shape) {
            if (d == BATCH) {
                s.require(v == 0, "a non-zero ConstantOfShape of the batch size is not supported");
                s.out(0, new Values.Zeros(shape));
                return;
            }
            s.require(d >= 0 && (n *= d) <= Values.MAX_FOLDED, "a constant of shape " + Arrays.toString(shape) + " is too large to fold");
        }
        float[] f = LayerOps.filled((int) n, v);
        s.out(0, t == null || new TensorData(t, null).isFloat() ? Const.ofFloats(shape, f) : Const.ofLongs(shape, toLongs(f)));
    }

    private static long[] toLongs(float[] f) {
        long[] l = new long[f.length];
        for (int i = 0; i < f.length; i++) l[i] = (long) f[i];
        return l;
    }

    /** Gather of constants: a shape's entries by index, along axis 0 of a 1-d constant. */
    static void gather(Step s) throws IOException {
        Const data = s.constant(0, "data"), idx = s.constant(1, "indices");
        s.require(data.rank() == 1 && s.attrs.i("axis", 0) == 0 && idx.rank() <= 1, "folding Gather: only from a 1-d constant is supported");
        long[] d = data.longs(), i = idx.longs(), out = new long[i.length];
        for (int k = 0; k < i.length; k++) out[k] = d[Step.axis(i[k], d.length, "index")];
        s.out(0, data.floating ? Const.ofFloats(idx.dims, toFloats(out)) : Const.ofLongs(idx.dims, out));
    }

    private static float[] toFloats(long[] l) {
        float[] f = new float[l.length];
        for (int i = 0; i < f.length; i++) f[i] = l[i];
        return f;
    }

    /** Concat of 1-d constants (a shape from its parts). */
    static void concat(Step s) throws IOException {
        List<Long> out = new ArrayList<>();
        boolean floating = false;
        for (int i = 0; i < s.inputs(); i++) {
            Const c = s.constant(i, "input");
            s.require(c.rank() == 1, "folding Concat: only of 1-d constants is supported");
            floating |= c.floating;
            for (long v : c.longs()) out.add(v);
        }
        s.attrs.i("axis", 0);
        long[] v = out.stream().mapToLong(Long::longValue).toArray();
        s.out(0, floating ? Const.ofFloats(new long[] {v.length}, toFloats(v)) : Const.ofLongs(new long[] {v.length}, v));
    }

    /** Add, Sub, Mul, Div of integer constants (shape arithmetic), elementwise or by a scalar. */
    static void arithmetic(Step s) throws IOException {
        Const a = s.constant(0, "A"), b = s.constant(1, "B");
        s.require(!a.floating && !b.floating, s.op() + " of float constants is not supported");
        long[] x = a.longs(), y = b.longs();
        s.require(x.length == y.length || x.length == 1 || y.length == 1, "folding " + s.op() + " of " + Arrays.toString(a.dims) + " and "
                + Arrays.toString(b.dims) + ": only equal sizes or a scalar");
        int n = Math.max(x.length, y.length);
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            long p = x[x.length == 1 ? 0 : i], q = y[y.length == 1 ? 0 : i];
            s.require(p != BATCH && q != BATCH, "arithmetic on the batch size is not supported");
            out[i] = switch (s.op()) {
                case "Add" -> p + q;
                case "Sub" -> p - q;
                case "Mul" -> p * q;
                default -> {
                    s.require(q != 0, "division by zero");
                    yield Math.floorDiv(p, q);
                }
            };
        }
        s.out(0, Const.ofLongs(x.length >= y.length ? a.dims : b.dims, out));
    }

    static void reshape(Step s) throws IOException {
        long[] t = s.constant(1, "the shape").longs();
        s.requireDefault("allowzero", 0);
        if (s.in(0) instanceof Const c) {
            s.out(0, c.reshaped(resolve(t, c.dims, c.count())));
            return;
        }
        Dyn d = s.dynamic(0);
        s.require(t.length >= 1, "a Reshape to a scalar is not supported");
        long size = io.neurite.tensor.Tensor.size(d.shape);
        long first = t[0];
        boolean batchFirst = first == BATCH || first == 0 || (first > 0 && first == s.graph.staticBatch);
        long[] rest = Arrays.copyOfRange(t, 1, t.length);
        for (int i = 0; i < rest.length; i++) {
            s.require(rest[i] != BATCH, "the batch size at axis " + (i + 1) + " of the target shape is not supported (only axis 0)");
            if (rest[i] == 0) {
                s.require(i < d.shape.length, "target entry 0 at axis " + (i + 1) + " has no input axis to copy");
                rest[i] = d.shape[i];
            }
        }
        s.require(batchFirst || first == -1, "target shape " + Arrays.toString(t) + " does not keep the batch on axis 0");
        if (first == -1) s.require(Arrays.stream(rest).noneMatch(v -> v == -1), "target shape " + Arrays.toString(t) + " infers two axes");
        int[] shape = toInts(resolve(rest, null, size));
        view(s, d, shape, new Reshape(shape));
    }

    /** A view of d with this per-sample shape: no layer where Neurite's node already has it. */
    private static void view(Step s, Dyn d, int[] shape, io.neurite.nn.Layer layer) {
        if (Arrays.equals(shape, d.real)) s.out(0, new Dyn(d.node, shape, d.real));
        else s.emit(layer, shape, d.node);
    }

    /** A target shape with 0 copied from the input's dims and -1 inferred from the size. */
    private static long[] resolve(long[] t, long[] from, long size) {
        long[] r = t.clone();
        long known = 1;
        int infer = -1;
        for (int i = 0; i < r.length; i++) {
            if (r[i] == 0 && from != null && i < from.length) r[i] = from[i];
            if (r[i] == -1) {
                if (infer >= 0) throw new Refused("target shape " + Arrays.toString(t) + " infers two axes");
                infer = i;
            } else if (r[i] < 1 || r[i] > 1 << 24) {
                throw new Refused("target shape " + Arrays.toString(t) + " has a size " + r[i] + " outside 1 to " + (1 << 24));
            } else {
                known = Math.multiplyExact(known, r[i]);
            }
        }
        if (infer >= 0 && size % known == 0) r[infer] = size / known;
        long n = 1;
        for (long v : r) n = v < 0 ? -1 : n * v;
        if (n != size) throw new Refused("cannot reshape " + size + " values to " + Arrays.toString(t));
        return r;
    }

    private static int[] toInts(long[] l) {
        return Arrays.stream(l).mapToInt(Math::toIntExact).toArray();
    }

    static void flatten(Step s) {
        Value v = s.in(0);
        int rank = v instanceof Const c ? c.rank() : s.dynamic(0).rank();
        int axis = (int) clamp(s.attrs.i("axis", 1), rank);
        if (v instanceof Const c) {
            long a = 1, b = 1;
            for (int i = 0; i < rank; i++) if (i < axis) a *= c.dims[i]; else b *= c.dims[i];
            s.out(0, c.reshaped(new long[] {a, b}));
            return;
        }
        Dyn d = s.dynamic(0);
        s.require(axis == 1, "Flatten at axis " + axis + " of " + d.describe() + " is not supported (only axis 1)");
        view(s, d, new int[] {Math.toIntExact(io.neurite.tensor.Tensor.size(d.shape))}, new Flatten());
    }

    static void squeeze(Step s) throws IOException {
        long[] axes = s.ints(1, "axes", null);
        Value v = s.in(0);
        long[] dims = v instanceof Const c ? c.dims : full(s.dynamic(0));
        List<Long> kept = new ArrayList<>();
        boolean[] drop = new boolean[dims.length];
        if (axes == null) for (int i = v instanceof Const ? 0 : 1; i < dims.length; i++) drop[i] = dims[i] == 1;
        else for (long a : axes) drop[Step.axis(a, dims.length, "axis")] = true;
        for (int i = 0; i < dims.length; i++) {
            s.require(!drop[i] || i > 0 || v instanceof Const, "squeezing the batch axis is not supported");
            s.require(!drop[i] || dims[i] == 1, "axis " + i + " of " + Arrays.toString(dims) + " is not of size 1");
            if (!drop[i]) kept.add(dims[i]);
        }
        reshaped(s, v, kept);
    }

    static void unsqueeze(Step s) throws IOException {
        long[] axes = s.ints(1, "axes", null);
        s.require(axes != null, "axes are missing");
        Value v = s.in(0);
        if (v instanceof Dyn d && d.shape.length == 1 && axes.length == 1 && (axes[0] == 0 || axes[0] == -3)) {
            s.out(0, new StateMajor(d));
            return;
        }
        long[] dims = v instanceof Const c ? c.dims : full(s.dynamic(0));
        int rank = dims.length + axes.length;
        boolean[] add = new boolean[rank];
        for (long a : axes) add[Step.axis(a, rank, "axis")] = true;
        s.require(v instanceof Const || !add[0], "a leading axis before the batch is only supported as a recurrent op's initial state");
        List<Long> out = new ArrayList<>();
        for (int i = 0, j = 0; i < rank; i++) out.add(add[i] ? 1L : dims[j++]);
        reshaped(s, v, out);
    }

    private static long[] full(Dyn d) {
        long[] f = new long[d.rank()];
        f[0] = BATCH;
        for (int i = 0; i < d.shape.length; i++) f[i + 1] = d.shape[i];
        return f;
    }

    private static void reshaped(Step s, Value v, List<Long> dims) {
        long[] out = dims.stream().mapToLong(Long::longValue).toArray();
        if (v instanceof Const c) {
            s.out(0, c.reshaped(out));
        } else {
            Dyn d = s.dynamic(0);
            s.out(0, new Dyn(d.node, toInts(Arrays.copyOfRange(out, 1, out.length)), d.real));
        }
    }

    static void transpose(Step s) {
        Dyn d = s.dynamic(0);
        long[] perm = s.attrs.ints("perm", null);
        s.require(d.shape.length == 2 && perm != null && Arrays.equals(perm, new long[] {1, 0, 2}), "Transpose " + Arrays.toString(perm) + " of "
                + d.describe() + " is not supported (only [1, 0, 2] into a recurrent op)");
        s.out(0, new TimeMajor(d));
    }
}
