package io.neurite.onnx;

import io.neurite.nn.Add;
import io.neurite.nn.BatchNormalization;
import io.neurite.nn.Concatenate;
import io.neurite.nn.Dropout;
import io.neurite.nn.Embedding;
import io.neurite.nn.Node;
import io.neurite.nn.PRelu;
import io.neurite.onnx.Values.Const;
import io.neurite.onnx.Values.Dyn;
import io.neurite.onnx.Values.Value;
import java.io.IOException;
import java.util.Arrays;

/** BatchNormalization, PRelu, Dropout, Gather of a table (Embedding), Add and Concat of computed values. */
final class BlockOps {
    private BlockOps() {
    }

    static void batchNormalization(Step s) throws IOException {
        Dyn x = s.dynamic(0);
        s.require(x.shape.length >= 1, "input " + x.describe() + " has no channel axis");
        int c = x.shape[0];
        Const[] p = new Const[4];
        String[] what = {"scale", "B", "mean", "var"};
        for (int i = 0; i < 4; i++) {
            p[i] = s.constant(i + 1, what[i]);
            s.require(p[i].count() == c, what[i] + " " + Arrays.toString(p[i].dims) + " is not [" + c + "] for input " + x.describe());
        }
        s.requireDefault("training_mode", 0);
        if (s.opset() < 9) s.requireDefault("spatial", 1);
        for (int i = 1; i < s.node.getOutputCount(); i++) s.require(!s.graph.used(s.output(i)), "training outputs (running mean and variance) are not supported");
        BatchNormalization bn = new BatchNormalization().epsilon(s.attrs.f("epsilon", 1e-5f)).momentum(s.attrs.f("momentum", 0.9f));
        s.emit(bn, x.shape, s.node(0));
        String[] names = {"gamma", "beta", "moving_mean", "moving_variance"};
        for (int i = 0; i < 4; i++) s.graph.weight(bn, names[i], p[i]::floats);
    }

    static void prelu(Step s) throws IOException {
        Dyn x = s.dynamic(0);
        Const slope = s.constant(1, "the slope");
        int c = x.shape.length == 0 ? 1 : x.shape[0];
        boolean perChannel = slope.count() == c && slope.rank() <= x.shape.length && (slope.rank() == 0 || slope.dims[0] == c || c == 1);
        s.require(perChannel || slope.count() == 1, "slope " + Arrays.toString(slope.dims) + " is neither one per channel nor one for all of "
                + x.describe() + " (Neurite's PRelu has one per channel)");
        PRelu l = new PRelu();
        s.emit(l, x.shape, s.node(0));
        s.graph.weight(l, "alpha", () -> slope.count() == c ? slope.floats() : LayerOps.filled(c, slope.floats()[0]));
    }

    static void dropout(Step s) throws IOException {
        Dyn x = s.dynamic(0);
        float rate;
        if (s.opset() < 12) {
            rate = s.attrs.f("ratio", 0.5f);
        } else {
            rate = s.has(1) ? scalar(s, 1, "ratio") : 0.5f;
            s.require(!s.has(2) || scalar(s, 2, "training_mode") == 0, "training_mode true is not supported");
        }
        if (s.opset() < 7) s.require(s.attrs.i("is_test", 0) == 1, "is_test=0 (training) is not supported");
        // Masks come from the layer's own seeded generator; ONNX's seed only matters in training mode, which is refused.
        s.attrs.i("seed", 0);
        s.require(s.node.getOutputCount() < 2 || !s.graph.used(s.output(1)), "the mask output is not supported");
        s.emit(new Dropout(rate), x.shape, s.node(0));
    }

    private static float scalar(Step s, int i, String what) throws IOException {
        Values.Const c = s.constant(i, what);
        s.require(c.count() == 1, what + " " + Arrays.toString(c.dims) + " is not one number");
        return c.floats()[0];
    }

    /** Gather from a constant table by computed ids along axis 0: Embedding. */
    static void embedding(Step s) throws IOException {
        Const table = s.constant(0, "the table");
        Dyn ids = s.dynamic(1);
        s.require(s.attrs.i("axis", 0) == 0, "Gather of a computed value must be along axis 0 of a constant table");
        s.require(table.rank() == 2 && table.floating, "table " + Arrays.toString(table.dims) + " is not a float [vocabulary, width] matrix");
        Embedding e = new Embedding(Windows.size(table.dims[0], "vocabulary"), Windows.size(table.dims[1], "width"));
        int[] shape = Arrays.copyOf(ids.shape, ids.shape.length + 1);
        shape[ids.shape.length] = (int) table.dims[1];
        s.emit(e, shape, s.node(1));
        s.graph.weight(e, "embeddings", table::floats);
    }

    /** Add of two or more computed values of one shape. */
    static void add(Step s) {
        Dyn a = s.dynamic(0), b = s.dynamic(1);
        s.require(Arrays.equals(a.shape, b.shape), "adding " + a.describe() + " and " + b.describe()
                + ": only values of one shape are supported (no broadcasting)");
        s.emit(new Add(), a.shape, s.node(0), s.node(1));
    }

    /** Concat of computed values along the channel axis. */
    static void concat(Step s) {
        Dyn first = s.dynamic(0);
        int axis = Step.axis(s.attrs.i("axis", 1), first.rank(), "axis");
        s.require(axis == 1, "Concat along axis " + axis + " of " + first.describe() + " is not supported (only axis 1, the channels)");
        Node[] in = new Node[s.inputs()];
        int[] shape = first.shape.clone();
        shape[0] = 0;
        for (int i = 0; i < in.length; i++) {
            Dyn d = s.dynamic(i);
            s.require(d.shape.length == first.shape.length
                    && Arrays.equals(Arrays.copyOfRange(d.shape, 1, d.shape.length), Arrays.copyOfRange(first.shape, 1, first.shape.length)),
                    "inputs " + first.describe() + " and " + d.describe() + " differ beyond the channel axis");
            shape[0] += d.shape[0];
            in[i] = s.node(i);
        }
        s.require(in.length >= 2, "a Concat of one input is not supported");
        s.emit(new Concatenate(), shape, in);
    }

    static boolean allConstant(Step s) {
        for (int i = 0; i < s.inputs(); i++) {
            Value v = s.in(i);
            if (v != null && !(v instanceof Const)) return false;
        }
        return true;
    }
}
