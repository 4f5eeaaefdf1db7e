package io.neurite.onnx;

import io.neurite.nn.Gru;
import io.neurite.nn.Lstm;
import io.neurite.nn.Node;
import io.neurite.nn.Recurrent;
import io.neurite.nn.SimpleRnn;
import io.neurite.onnx.Values.Const;
import io.neurite.onnx.Values.Dyn;
import io.neurite.onnx.Values.Refused;
import io.neurite.onnx.Values.Rnn;
import io.neurite.onnx.Values.RnnState;
import io.neurite.onnx.Values.StateMajor;
import io.neurite.onnx.Values.TimeMajor;
import io.neurite.onnx.Values.Value;
import io.neurite.onnx.Values.Zeros;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * ONNX's LSTM, GRU and RNN (forward, one layer) between the Transposes and Squeezes that make
 * them batch-first, as Neurite's Lstm, Gru and SimpleRnn. Gates are reordered to Keras':
 * ONNX's LSTM has i, o, f, c where Keras has i, f, c, o; the GRU's z, r, h are Keras' own (with
 * linear_before_reset=1, Keras' reset_after). The two ONNX biases are summed into Neurite's one
 * for the LSTM and RNN, and are the GRU's two rows.
 */
final class RnnOps {
    /** Keras' gate k is ONNX's gate LSTM_ORDER[k]. */
    private static final int[] LSTM_ORDER = {0, 2, 3, 1};

    private RnnOps() {
    }

    static void recurrent(Step s) throws IOException {
        Value xv = s.in(0);
        // PyTorch drops the Transposes between two recurrent ops: X is then the first one's squeezed Y.
        if (xv instanceof Rnn r && r.output() == 0 && r.squeezed()) xv = new TimeMajor(new Dyn(place(s, r, true), new int[] {r.steps(), r.units()}));
        s.require(xv instanceof TimeMajor, "input X must be a [N, T, F] value transposed with perm [1, 0, 2] (batch_first)");
        Dyn x = ((TimeMajor) xv).batchMajor();
        int steps = x.shape[0], f = x.shape[1];
        String op = s.op();
        int gates = switch (op) {
            case "LSTM" -> 4;
            case "GRU" -> 3;
            default -> 1;
        };
        int h = Windows.size(s.attrs.i("hidden_size", 0), "hidden_size");
        Const w = s.constant(1, "W"), r = s.constant(2, "R"), b = s.has(3) ? s.constant(3, "B") : null;
        int g = gates * h;
        s.require(Arrays.equals(w.dims, new long[] {1, g, f}), "W " + Arrays.toString(w.dims) + " is not [1, " + g + ", " + f + "]");
        s.require(Arrays.equals(r.dims, new long[] {1, g, h}), "R " + Arrays.toString(r.dims) + " is not [1, " + g + ", " + h + "]");
        s.require(b == null || Arrays.equals(b.dims, new long[] {1, 2L * g}), "B " + (b == null ? "" : Arrays.toString(b.dims)) + " is not [1, " + 2 * g + "]");
        s.require(!s.has(4), "sequence_lens is not supported (every sequence has all T steps)");
        s.require(s.attrs.s("direction", "forward").equals("forward"), "direction " + s.attrs.s("direction", "") + " is not supported (only forward)");
        s.requireDefault("layout", 0);
        s.require(!s.attrs.has("clip"), "clip is not supported");
        Recurrent layer = switch (op) {
            case "LSTM" -> {
                s.requireDefault("input_forget", 0);
                activations(s, List.of("sigmoid", "tanh", "tanh"));
                s.require(!s.has(7) || zero(s.in(7)), "peepholes P are not supported");
                yield new Lstm(h);
            }
            case "GRU" -> {
                s.require(s.attrs.i("linear_before_reset", 0) == 1, "linear_before_reset=0 is not supported (Neurite's GRU is Keras' reset_after,"
                        + " linear_before_reset=1 as PyTorch's)");
                activations(s, List.of("sigmoid", "tanh"));
                yield new Gru(h);
            }
            default -> new SimpleRnn(h).activation(rnnActivation(s));
        };
        Node h0 = state(s, 5, h), c0 = gates == 4 ? state(s, 6, h) : null;
        s.require(gates != 4 || (h0 == null) == (c0 == null), "an LSTM with only one of initial_h and initial_c given is not supported");
        Node[] inputs = h0 == null ? new Node[] {s.graph.need(x)} : c0 == null ? new Node[] {s.graph.need(x), h0} : new Node[] {s.graph.need(x), h0, c0};
        int[] order = gates == 4 ? LSTM_ORDER : identity(gates);
        s.graph.weight(layer, "kernel", () -> OnnxExport.transpose(OnnxExport.blocks(w.floats(), order, h * f), g, f));
        s.graph.weight(layer, "recurrent_kernel", () -> OnnxExport.transpose(OnnxExport.blocks(r.floats(), order, h * h), g, h));
        s.graph.weight(layer, "bias", () -> bias(b, order, g, h, gates == 3));
        RnnState st = new RnnState();
        for (int i = 0; i < 3; i++) s.out(i, new Rnn(layer, s.layerName(), inputs, i, false, steps, h, st));
    }

    private static int[] identity(int n) {
        int[] o = new int[n];
        for (int i = 0; i < n; i++) o[i] = i;
        return o;
    }

    /** Neurite's bias: the GRU's [2, G] is ONNX's [Wb; Rb]; the others' one bias is Wb + Rb (Wb alone, bit for bit, where Rb is zero). */
    private static float[] bias(Const b, int[] order, int g, int h, boolean gru) throws IOException {
        if (b == null) return new float[gru ? 2 * g : g];
        float[] all = b.floats();
        if (gru) return all;
        float[] wb = OnnxExport.blocks(Arrays.copyOf(all, g), order, h), rb = OnnxExport.blocks(Arrays.copyOfRange(all, g, 2 * g), order, h);
        boolean zero = true;
        for (float v : rb) zero &= v == 0;
        if (!zero) for (int i = 0; i < g; i++) wb[i] += rb[i];
        return wb;
    }

    private static void activations(Step s, List<String> want) {
        List<String> a = s.attrs.strings("activations");
        s.require(a == null || a.stream().map(v -> v.toLowerCase(Locale.ROOT)).toList().equals(want), "activations " + a
                + " are not supported (only ONNX's defaults " + want + ")");
        s.require(!s.attrs.has("activation_alpha") && !s.attrs.has("activation_beta"), "activation_alpha and activation_beta are not supported");
    }

    private static String rnnActivation(Step s) {
        List<String> a = s.attrs.strings("activations");
        float[] alpha = s.attrs.floats("activation_alpha"), beta = s.attrs.floats("activation_beta");
        String f = a == null ? "tanh" : a.size() == 1 ? a.getFirst().toLowerCase(Locale.ROOT) : "";
        s.require((alpha == null || alpha.length == 1) && (beta == null || beta.length == 1), "activation_alpha and activation_beta must be one number each");
        return switch (f) {
            case "tanh", "relu", "sigmoid" -> {
                s.require(alpha == null && beta == null, "activation_alpha and activation_beta are not supported with " + f);
                yield f;
            }
            case "leakyrelu" -> LayerOps.leaky(alpha == null ? 0.01f : alpha[0]);
            case "affine" -> {
                s.require(alpha != null && alpha[0] == 1 && (beta == null || beta[0] == 0), "Affine other than 1 x + 0 is not supported");
                yield "linear";
            }
            default -> throw new Refused("activations " + a + " are not supported (Tanh, Relu, Sigmoid, LeakyRelu or Affine 1x+0)");
        };
    }

    /** An initial state: absent or zeros (null), or the Unsqueeze to [1, N, H] of a [N, H] value. */
    private static Node state(Step s, int i, int h) throws IOException {
        Value v = s.in(i);
        if (v == null || v instanceof Zeros || zero(v)) return null;
        s.require(v instanceof StateMajor st && Arrays.equals(st.state().shape, new int[] {h}), "initial state " + i
                + " must be zeros or a computed [N, " + h + "] value unsqueezed on axis 0");
        return s.graph.need(((StateMajor) v).state());
    }

    private static boolean zero(Value v) throws IOException {
        if (!(v instanceof Const c) || c.count() > Values.MAX_FOLDED) return false;
        for (float x : c.floats()) if (x != 0) return false;
        return true;
    }

    /** The recurrent layer placed for one of its op's outputs: returning sequences for Y, the last h for Y_h. */
    private static Node place(Step s, Rnn r, boolean sequences) {
        RnnState st = r.state();
        if (st.used != null) {
            if (st.used == r.output()) return st.node;
            throw new Refused("both the sequence Y and the last state Y_h of one recurrent op are used; Neurite's layer gives one of them");
        }
        r.layer().returnSequences(sequences);
        st.node = s.graph.place(r.layer(), r.name(), r.inputs());
        st.used = r.output();
        return st.node;
    }

    private static Rnn rnn(Step s) {
        Rnn r = (Rnn) s.in(0);
        s.require(r.output() != 2, "the LSTM's cell state Y_c is not supported");
        return r;
    }

    /** Transpose [1, 0, 2] of the squeezed Y [T, N, H]: the layer returns sequences, [N, T, H]. */
    static void transpose(Step s) {
        Rnn r = rnn(s);
        s.require(r.output() == 0 && r.squeezed() && Arrays.equals(s.attrs.ints("perm", null), new long[] {1, 0, 2}),
                "only the Transpose [1, 0, 2] of a recurrent op's Y squeezed to [T, N, H] is supported");
        s.out(0, new Dyn(place(s, r, true), new int[] {r.steps(), r.units()}));
    }

    /** Squeeze of Y on axis 1 (to [T, N, H]) or of Y_h on axis 0 (the last h, [N, H]). */
    static void squeeze(Step s) throws IOException {
        Rnn r = rnn(s);
        long[] axes = s.ints(1, "axes", null);
        if (r.output() == 0 && !r.squeezed() && Arrays.equals(axes, new long[] {1})) {
            s.out(0, r.with(true));
        } else {
            s.require(r.output() == 1 && Arrays.equals(axes, new long[] {0}), "only Squeeze of Y on axis 1 or of Y_h on axis 0 is supported");
            s.out(0, new Dyn(place(s, r, false), new int[] {r.units()}));
        }
    }

    /** Gather of the last step: Y_h[0] or Y_h[-1], or the squeezed Y's step T-1, is the last h. */
    static void gather(Step s) throws IOException {
        Rnn r = rnn(s);
        Const idx = s.constant(1, "indices");
        long i = idx.rank() == 0 ? idx.longs()[0] : Long.MAX_VALUE;
        long axis = s.attrs.i("axis", 0);
        boolean last = axis == 0 && (r.output() == 1 && (i == 0 || i == -1) || r.output() == 0 && r.squeezed() && (i == -1 || i == r.steps() - 1));
        s.require(last, "only the last step of a recurrent op's output (a scalar index along axis 0) is supported");
        s.out(0, new Dyn(place(s, r, false), new int[] {r.units()}));
    }
}
