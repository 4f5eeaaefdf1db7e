package io.neurite.conformance;

import io.neurite.device.Buffer;
import io.neurite.device.Device;
import io.neurite.device.Op;
import java.util.ArrayList;
import java.util.List;

/**
 * Cases for the fused recurrent cells LSTM_CELL and GRU_CELL, forward and backward, against
 * {@link RecurrentReference}, with finite-difference checks of each backward. Every sequence
 * buffer has one block more than the step needs and every output starts as garbage, so a
 * kernel that writes the wrong block, or reads a block it should not, fails. Steps 0 and later
 * ones are visited (the offsets differ), and one case saturates every gate (pre-activations of
 * +-60, where a naive exp overflows). Shapes are [batch, units] over the awkward sizes and the
 * MNIST row-LSTM's [64, 128].
 *
 * <p>Tolerance: a cell chains a transcendental function per gate and two or three roundings
 * after it, on values of O(1); devices may use SIMD or native maths libraries a few ulps off,
 * so 1e-5 absolute and relative.
 */
final class RecurrentCases {
    private static final Tolerance CELL = new Tolerance(1e-5, 1e-5);
    /** {batch, units, step}. */
    private static final int[][] SHAPES = {{1, 1, 0}, {3, 7, 2}, {17, 3, 1}, {2, 33, 0}, {7, 17, 4}, {5, 129, 1}, {64, 128, 3}};

    private RecurrentCases() {
    }

    static List<OpCase> cases() {
        List<OpCase> all = new ArrayList<>();
        long seed = 4100;
        for (int[] s : SHAPES) {
            for (boolean lstm : new boolean[] {true, false}) {
                all.add(forward(lstm, s[0], s[1], s[2], seed, 2));
                all.add(backward(lstm, s[0], s[1], s[2], seed + 1));
            }
            seed += 10;
        }
        all.add(forward(true, 3, 17, 1, seed, 60));
        all.add(forward(false, 3, 17, 1, seed + 1, 60));
        return all;
    }

    static List<GradCase> gradients() {
        List<GradCase> all = new ArrayList<>();
        for (int[] s : new int[][] {{2, 3, 1}, {3, 5, 0}}) {
            all.add(lstmGradient(s[0], s[1], s[2], true));
            all.add(lstmGradient(s[0], s[1], s[2], false));
            for (String wrt : new String[] {"x", "rec", "hPrev"}) all.add(gruGradient(s[0], s[1], s[2], wrt));
        }
        return all;
    }

    private static String name(String what, int batch, int units, int t) {
        return what + " batch=" + batch + " units=" + units + " step=" + t;
    }

    /** The buffer sizes of one cell: gate width G and the blocks each sequence buffer gets. */
    private record Sizes(int batch, int units, int t, int gates) {
        static Sizes of(boolean lstm, int batch, int units, int t) {
            return new Sizes(batch, units, t, (lstm ? 4 : 3) * units);
        }

        /** Gate sequence: blocks 0..t, and one more. */
        int gateSeq() {
            return (t + 2) * batch * gates;
        }

        /** State sequence: blocks 0..t+1, and one more. */
        int stateSeq() {
            return (t + 3) * batch * units;
        }

        int step() {
            return batch * units;
        }

        int gateStep() {
            return batch * gates;
        }
    }

    /** Forward of one step; pre-activations uniform in +-spread. */
    private static OpCase forward(boolean lstm, int batch, int units, int t, long seed, double spread) {
        Sizes z = Sizes.of(lstm, batch, units, t);
        float[] gates = Inputs.uniform(seed, z.gateSeq(), -spread, spread), rec = Inputs.uniform(seed + 1, z.gateStep(), -1, 1);
        float[] bias = Inputs.uniform(seed + 2, lstm ? z.gates() : 2 * z.gates(), -0.5, 0.5);
        // LSTM: the cell states (block t is read); GRU: hCand (written only), garbage outside.
        float[] state = Inputs.uniform(seed + 3, lstm ? z.stateSeq() : (t + 2) * z.step(), -1, 1);
        float[] h = Inputs.uniform(seed + 4, z.stateSeq(), -1, 1), hNext = Inputs.uniform(seed + 5, z.step(), 5, 6);
        Op op = lstm ? Op.LSTM_CELL : Op.GRU_CELL;
        return new OpCase(op, name("forward" + (spread > 10 ? " saturated" : ""), batch, units, t), CELL, d -> {
            try (Scratch s = new Scratch(d)) {
                Buffer bg = s.upload(gates), bs = s.upload(state), bh = s.upload(h), bn = s.upload(hNext);
                if (lstm) d.ops().lstmCellForward(batch, units, t, bg, s.upload(rec), s.upload(bias), bs, bh, bn);
                else d.ops().gruCellForward(batch, units, t, bg, s.upload(rec), s.upload(bias), bs, bh, bn);
                return new float[][] {s.read(bg), s.read(bs), s.read(bh), s.read(bn)};
            }
        }, () -> lstm
                ? RecurrentReference.lstmForward(batch, units, t, d(gates), d(rec), d(bias), d(state), d(h), d(hNext))
                : RecurrentReference.gruForward(batch, units, t, d(gates), d(rec), d(bias), d(state), d(h), d(hNext)));
    }

    private static double[] d(float[] v) {
        return Inputs.toDouble(v);
    }

    /** Backward of one step from activated gates in (0, 1) and states, dOut, dh, dc of O(1). */
    private static OpCase backward(boolean lstm, int batch, int units, int t, long seed) {
        Sizes z = Sizes.of(lstm, batch, units, t);
        float[] gates = Inputs.uniform(seed, z.gateSeq(), 0.01, 0.99);
        float[] states = Inputs.uniform(seed + 1, z.stateSeq(), -2, 2), cand = Inputs.uniform(seed + 2, z.stateSeq(), -2, 2);
        float[] dOut = Inputs.uniform(seed + 3, (t + 2) * z.step(), -1, 1), dh = Inputs.uniform(seed + 4, z.step(), -1, 1);
        float[] dc = Inputs.uniform(seed + 5, z.step(), -1, 1), seqOut = Inputs.uniform(seed + 6, z.gateSeq(), 7, 8);
        float[] seqOut2 = Inputs.uniform(seed + 7, z.gateSeq(), 7, 8), stepOut = Inputs.uniform(seed + 8, z.gateStep(), 7, 8);
        Op op = lstm ? Op.LSTM_CELL : Op.GRU_CELL;
        return new OpCase(op, name("backward", batch, units, t), CELL, dev -> {
            try (Scratch s = new Scratch(dev)) {
                Buffer bdh = s.upload(dh), bdc = s.upload(dc), b1 = s.upload(seqOut), b2 = s.upload(seqOut2), bn = s.upload(stepOut);
                if (lstm) {
                    dev.ops().lstmCellBackward(batch, units, t, s.upload(gates), s.upload(states), s.upload(dOut), bdh, bdc, b1, bn);
                    return new float[][] {s.read(bdc), s.read(b1), s.read(bn), s.read(bdh)};
                }
                dev.ops().gruCellBackward(batch, units, t, s.upload(gates), s.upload(cand), s.upload(states), s.upload(dOut), bdh,
                        b1, b2, bn);
                return new float[][] {s.read(bdh), s.read(b1), s.read(b2), s.read(bn)};
            }
        }, () -> {
            if (lstm) {
                double[][] r = RecurrentReference.lstmBackward(batch, units, t, d(gates), d(states), d(dOut), d(dh), d(dc),
                        d(seqOut), d(stepOut));
                return new double[][] {r[0], r[1], r[2], d(dh)};
            }
            return RecurrentReference.gruBackward(batch, units, t, d(gates), d(cand), d(states), d(dOut), d(dh), d(seqOut),
                    d(seqOut2), d(stepOut));
        });
    }

    /**
     * LSTM, with respect to the step's input projection (wrtX) or to c_{t-1}: L sums dy against
     * c_t and h_t; the device runs the forward, then the backward with dc = dy on c_t, dOut = dy
     * on h_t and no recurrent gradient.
     */
    private static GradCase lstmGradient(int batch, int units, int t, boolean wrtX) {
        Sizes z = Sizes.of(true, batch, units, t);
        long seed = 4300 + batch;
        double[] gates = d(Inputs.uniform(seed, z.gateSeq(), -2, 2)), rec = d(Inputs.uniform(seed + 1, z.gateStep(), -1, 1));
        double[] bias = d(Inputs.uniform(seed + 2, z.gates(), -0.5, 0.5)), c = d(Inputs.uniform(seed + 3, z.stateSeq(), -1, 1));
        double[] dy = d(Inputs.uniform(seed + 4, 2 * z.step(), -1, 1));
        int xOff = t * z.gateStep(), cOff = t * z.step(), outOff = (t + 1) * z.step(), n = z.step();
        double[] point = slice(wrtX ? gates : c, wrtX ? xOff : cOff, wrtX ? z.gateStep() : n);
        GradCase.Forward forward = x -> {
            double[] g = gates.clone(), cc = c.clone();
            System.arraycopy(x, 0, wrtX ? g : cc, wrtX ? xOff : cOff, x.length);
            double[][] r = RecurrentReference.lstmForward(batch, units, t, g, rec, bias, cc, new double[z.stateSeq()], new double[n]);
            double[] out = new double[2 * n];
            System.arraycopy(r[1], outOff, out, 0, n);
            System.arraycopy(r[2], outOff, out, n, n);
            return out;
        };
        return new GradCase(Op.LSTM_CELL, (wrtX ? "x_t W " : "c_{t-1} ") + name("", batch, units, t), point, dy, forward,
                (Device dev, float[] x, float[] g) -> {
                    try (Scratch s = new Scratch(dev)) {
                        float[] gf = Inputs.toFloat(gates), cf = Inputs.toFloat(c);
                        System.arraycopy(x, 0, wrtX ? gf : cf, wrtX ? xOff : cOff, x.length);
                        Buffer bg = s.upload(gf), bc = s.upload(cf), dOut = s.floats(z.stateSeq()), dc = s.floats(n);
                        dev.ops().lstmCellForward(batch, units, t, bg, s.upload(Inputs.toFloat(rec)), s.upload(Inputs.toFloat(bias)),
                                bc, s.floats(z.stateSeq()), s.floats(n));
                        dc.copyFrom(g, 0, 0, n);
                        dOut.copyFrom(g, n, cOff, n);
                        Buffer dz = s.floats(z.gateSeq());
                        dev.ops().lstmCellBackward(batch, units, t, bg, bc, dOut, s.floats(n), dc, dz, s.floats(z.gateStep()));
                        return wrtX ? slice(s.read(dz), xOff, z.gateStep()) : s.read(dc);
                    }
                }, 1e-4);
    }

    /** GRU, with respect to the step's input projection, its recurrent projection or h_{t-1}; L sums dy against h_t. */
    private static GradCase gruGradient(int batch, int units, int t, String wrt) {
        Sizes z = Sizes.of(false, batch, units, t);
        long seed = 4400 + batch;
        double[] gates = d(Inputs.uniform(seed, z.gateSeq(), -2, 2)), rec = d(Inputs.uniform(seed + 1, z.gateStep(), -1, 1));
        double[] bias = d(Inputs.uniform(seed + 2, 2 * z.gates(), -0.5, 0.5)), h = d(Inputs.uniform(seed + 3, z.stateSeq(), -1, 1));
        double[] dy = d(Inputs.uniform(seed + 4, z.step(), -1, 1));
        int n = z.step(), hOff = t * n, outOff = (t + 1) * n, xOff = t * z.gateStep();
        double[] target = switch (wrt) {
            case "x" -> gates;
            case "rec" -> rec;
            default -> h;
        };
        int off = wrt.equals("x") ? xOff : wrt.equals("rec") ? 0 : hOff, len = wrt.equals("hPrev") ? n : z.gateStep();
        GradCase.Forward forward = x -> {
            double[] g = gates.clone(), r = rec.clone(), hh = h.clone();
            System.arraycopy(x, 0, target == gates ? g : target == rec ? r : hh, off, len);
            double[][] res = RecurrentReference.gruForward(batch, units, t, g, r, bias, new double[z.stateSeq()], hh, new double[n]);
            return slice(res[2], outOff, n);
        };
        return new GradCase(Op.GRU_CELL, wrt + " " + name("", batch, units, t), slice(target, off, len), dy, forward,
                (Device dev, float[] x, float[] g) -> {
                    try (Scratch s = new Scratch(dev)) {
                        float[] gf = Inputs.toFloat(gates), rf = Inputs.toFloat(rec), hf = Inputs.toFloat(h);
                        System.arraycopy(x, 0, target == gates ? gf : target == rec ? rf : hf, off, len);
                        Buffer bg = s.upload(gf), bh = s.upload(hf), cand = s.floats(z.stateSeq()), dOut = s.floats(z.stateSeq());
                        dev.ops().gruCellForward(batch, units, t, bg, s.upload(rf), s.upload(Inputs.toFloat(bias)), cand, bh, s.floats(n));
                        dOut.copyFrom(g, 0, hOff, n);
                        Buffer dh = s.floats(n), dx = s.floats(z.gateSeq()), dRecNext = s.floats(z.gateStep());
                        dev.ops().gruCellBackward(batch, units, t, bg, cand, bh, dOut, dh, dx, s.floats(z.gateSeq()), dRecNext);
                        return switch (wrt) {
                            case "x" -> slice(s.read(dx), xOff, len);
                            case "rec" -> s.read(dRecNext);
                            default -> s.read(dh);
                        };
                    }
                }, 1e-4);
    }

    private static double[] slice(double[] v, int off, int n) {
        return java.util.Arrays.copyOfRange(v, off, off + n);
    }

    private static float[] slice(float[] v, int off, int n) {
        return java.util.Arrays.copyOfRange(v, off, off + n);
    }
}
