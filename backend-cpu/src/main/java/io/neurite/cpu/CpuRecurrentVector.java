package io.neurite.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API rows of the fused recurrent cells of {@link CpuRecurrent}: one row is one sequence
 * of the batch, walked over its units a vector at a time. Each method handles the units below
 * the last whole vector and returns that bound; {@link CpuRecurrent}'s scalar loop finishes
 * the rest (so a unit's rounding depends only on H, never on the batch or the thread split).
 *
 * <p>The work of a row is split into a few short loops rather than one long one: C2 must
 * inline every Vector API call of a loop for it to become SIMD code, and one loop holding all
 * four gates of the LSTM's backward exceeded its inlining budget, falling back to the API's
 * Java implementation (about four times slower); masks in the main loop did the same. The
 * extra passes re-read a row that is in L1. Loaded only when {@link VectorSupport#AVAILABLE};
 * vectors live in locals only (held in fields or arrays they would be boxed).
 */
final class CpuRecurrentVector {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int VL = S.length();

    private CpuRecurrentVector() {
    }

    // VectorMath, not lanewise(EXP/TANH): those give other bits interpreted than compiled, so
    // training would depend on when the JIT got to this loop. Called directly, with the loads and
    // derivatives written out, so no helper of ours stands between a loop and the API's
    // force-inlined methods: one C2 fails to inline at its node limit runs boxed.


    /**
     * {@code gates[g + j] = sigmoid(gates[g + j] + rec[r + j] + bias[b + j])} for j below n. One
     * activation per method, taking only arrays: wherever C2's node limit cuts the inlining of a
     * cell (NodeCountInliningCutoff), it then cuts at one of these calls, not inside the vector
     * maths, which would run boxed.
     */
    private static void sigmoidGate(float[] gates, int g, float[] rec, int r, float[] bias, int b, int n) {
        for (int j = 0; j < n; j += VL) {
            FloatVector a = FloatVector.fromArray(S, gates, g + j).add(FloatVector.fromArray(S, rec, r + j));
            VectorMath.sigmoid(a.add(FloatVector.fromArray(S, bias, b + j))).intoArray(gates, g + j);
        }
    }

    /** {@link #sigmoidGate} with tanh. */
    private static void tanhGate(float[] gates, int g, float[] rec, int r, float[] bias, int b, int n) {
        for (int j = 0; j < n; j += VL) {
            FloatVector a = FloatVector.fromArray(S, gates, g + j).add(FloatVector.fromArray(S, rec, r + j));
            VectorMath.tanh(a.add(FloatVector.fromArray(S, bias, b + j))).intoArray(gates, g + j);
        }
    }

    /** LSTM forward of one row's units [0, returned bound): the gates, then c_t and h_t. */
    static int lstmForward(int hs, float[] gates, int g, float[] rec, int r, float[] bias, float[] c, int prev, int cur,
                           float[] h, float[] hNext, int n) {
        int end = S.loopBound(hs);
        sigmoidGate(gates, g, rec, r, bias, 0, end);
        sigmoidGate(gates, g + hs, rec, r + hs, bias, hs, end);
        tanhGate(gates, g + 2 * hs, rec, r + 2 * hs, bias, 2 * hs, end);
        sigmoidGate(gates, g + 3 * hs, rec, r + 3 * hs, bias, 3 * hs, end);
        lstmStates(hs, end, gates, g, c, prev, cur, h, hNext, n);
        return end;
    }

    /**
     * c_t and h_t from the activated gates, units [0, end). A method of its own, taking only
     * arrays (see {@link #sigmoidGate}): in one method with the activations, C2 inlined those
     * first and then hit its node limit on this loop's tanh, which ran boxed, through the API's
     * Java code.
     */
    private static void lstmStates(int hs, int end, float[] gates, int g, float[] c, int prev, int cur, float[] h,
                                   float[] hNext, int n) {
        for (int j = 0; j < end; j += VL) {
            FloatVector i = FloatVector.fromArray(S, gates, g + j), f = FloatVector.fromArray(S, gates, g + hs + j);
            FloatVector ct = f.fma(FloatVector.fromArray(S, c, prev + j), i.mul(FloatVector.fromArray(S, gates, g + 2 * hs + j)));
            ct.intoArray(c, cur + j);
            FloatVector ht = FloatVector.fromArray(S, gates, g + 3 * hs + j).mul(VectorMath.tanh(ct));
            ht.intoArray(h, cur + j);
            ht.intoArray(hNext, n + j);
        }
    }

    /**
     * LSTM backward of one row's units [0, returned bound). The first pass finds dc_t (parked in
     * dz's i slot), the output gate's gradient and dc_{t-1}; the second the other three gates'.
     */
    static int lstmBackward(int hs, float[] gates, int g, float[] c, int prev, int cur, float[] dOut, float[] dh, float[] dc,
                            int n, float[] dz, float[] dzNext, int r) {
        int end = S.loopBound(hs), o3 = 3 * hs;
        for (int j = 0; j < end; j += VL) {
            FloatVector o = FloatVector.fromArray(S, gates, g + o3 + j);
            FloatVector th = VectorMath.tanh(FloatVector.fromArray(S, c, cur + j));
            FloatVector dht = FloatVector.fromArray(S, dOut, prev + j).add(FloatVector.fromArray(S, dh, n + j));
            FloatVector dct = dht.mul(o).fma(th.neg().fma(th, FloatVector.broadcast(S, 1f)), FloatVector.fromArray(S, dc, n + j));
            dct.mul(FloatVector.fromArray(S, gates, g + hs + j)).intoArray(dc, n + j);
            dct.intoArray(dz, g + j);
            FloatVector dao = dht.mul(th).mul(o.sub(o.mul(o)));
            dao.intoArray(dz, g + o3 + j);
            dao.intoArray(dzNext, r + o3 + j);
        }
        lstmGateGradients(hs, end, gates, g, c, prev, dz, dzNext, r);
        return end;
    }

    /** The LSTM backward's second pass, i, f and g's gradients from dc_t, in a method of its own as {@link #lstmStates}. */
    private static void lstmGateGradients(int hs, int end, float[] gates, int g, float[] c, int prev, float[] dz, float[] dzNext,
                                          int r) {
        for (int j = 0; j < end; j += VL) {
            FloatVector dct = FloatVector.fromArray(S, dz, g + j), i = FloatVector.fromArray(S, gates, g + j);
            FloatVector f = FloatVector.fromArray(S, gates, g + hs + j), cand = FloatVector.fromArray(S, gates, g + 2 * hs + j);
            FloatVector dai = dct.mul(cand).mul(i.sub(i.mul(i)));
            FloatVector daf = dct.mul(FloatVector.fromArray(S, c, prev + j)).mul(f.sub(f.mul(f)));
            FloatVector dag = dct.mul(i).mul(cand.neg().fma(cand, FloatVector.broadcast(S, 1f)));
            dai.intoArray(dz, g + j);
            dai.intoArray(dzNext, r + j);
            daf.intoArray(dz, g + hs + j);
            daf.intoArray(dzNext, r + hs + j);
            dag.intoArray(dz, g + 2 * hs + j);
            dag.intoArray(dzNext, r + 2 * hs + j);
        }
    }

    /** GRU forward of one row's units [0, returned bound): z and r, then n and h_t. */
    static int gruForward(int hs, float[] gates, int g, float[] rec, int r, float[] bias, float[] hCand, float[] h, int prev,
                          int cur, float[] hNext, int n) {
        int end = S.loopBound(hs), gs = 3 * hs;
        gruGate(gates, g, rec, r, bias, 0, gs, end);
        gruGate(gates, g + hs, rec, r + hs, bias, hs, gs + hs, end);
        gruStates(hs, end, gates, g, rec, r, bias, hCand, h, prev, cur, hNext, n);
        return end;
    }

    /** A GRU gate, {@code sigmoid(x W + b_in + h U + b_rec)}, units [0, end): one call per loop as {@link #sigmoidGate}. */
    private static void gruGate(float[] gates, int g, float[] rec, int r, float[] bias, int bIn, int bRec, int end) {
        for (int j = 0; j < end; j += VL) {
            FloatVector a = FloatVector.fromArray(S, gates, g + j).add(FloatVector.fromArray(S, bias, bIn + j))
                    .add(FloatVector.fromArray(S, rec, r + j)).add(FloatVector.fromArray(S, bias, bRec + j));
            VectorMath.sigmoid(a).intoArray(gates, g + j);
        }
    }

    /** The GRU's candidate n and h_t from the activated z and r, units [0, end) (see {@link #lstmStates}). */
    private static void gruStates(int hs, int end, float[] gates, int g, float[] rec, int r, float[] bias, float[] hCand,
                                  float[] h, int prev, int cur, float[] hNext, int n) {
        int gs = 3 * hs, n2 = 2 * hs;
        for (int j = 0; j < end; j += VL) {
            FloatVector z = FloatVector.fromArray(S, gates, g + j), rr = FloatVector.fromArray(S, gates, g + hs + j);
            FloatVector cand = FloatVector.fromArray(S, rec, r + n2 + j).add(FloatVector.fromArray(S, bias, gs + n2 + j));
            FloatVector pre = FloatVector.fromArray(S, gates, g + n2 + j).add(FloatVector.fromArray(S, bias, n2 + j));
            FloatVector nn = VectorMath.tanh(rr.fma(cand, pre));
            nn.intoArray(gates, g + n2 + j);
            cand.intoArray(hCand, prev + j);
            // z h + (1 - z) n, as n + z (h - n): one rounding fewer.
            FloatVector ht = z.fma(FloatVector.fromArray(S, h, prev + j).sub(nn), nn);
            ht.intoArray(h, cur + j);
            ht.intoArray(hNext, n + j);
        }
    }

    /** GRU backward of one row's units [0, returned bound): z and n first, then r from n's gradient. */
    static int gruBackward(int hs, float[] gates, int g, float[] hCand, float[] h, int prev, float[] dOut, float[] dh, int n,
                           float[] dx, float[] dRec, float[] dRecNext, int r) {
        int end = S.loopBound(hs), n2 = 2 * hs;
        for (int j = 0; j < end; j += VL) {
            FloatVector z = FloatVector.fromArray(S, gates, g + j), nn = FloatVector.fromArray(S, gates, g + n2 + j);
            FloatVector dht = FloatVector.fromArray(S, dOut, prev + j).add(FloatVector.fromArray(S, dh, n + j));
            FloatVector dan = dht.sub(dht.mul(z)).mul(nn.neg().fma(nn, FloatVector.broadcast(S, 1f)));
            FloatVector daz = dht.mul(FloatVector.fromArray(S, h, prev + j).sub(nn)).mul(z.sub(z.mul(z)));
            dht.mul(z).intoArray(dh, n + j);
            daz.intoArray(dx, g + j);
            daz.intoArray(dRec, g + j);
            daz.intoArray(dRecNext, r + j);
            dan.intoArray(dx, g + n2 + j);
        }
        gruResetGradients(hs, end, gates, g, hCand, prev, dx, dRec, dRecNext, r);
        return end;
    }

    /** The GRU backward's second pass, r's gradient from n's, in a method of its own as {@link #lstmStates}. */
    private static void gruResetGradients(int hs, int end, float[] gates, int g, float[] hCand, int prev, float[] dx, float[] dRec,
                                          float[] dRecNext, int r) {
        int n2 = 2 * hs;
        for (int j = 0; j < end; j += VL) {
            FloatVector rr = FloatVector.fromArray(S, gates, g + hs + j), dan = FloatVector.fromArray(S, dx, g + n2 + j);
            FloatVector dar = dan.mul(FloatVector.fromArray(S, hCand, prev + j)).mul(rr.sub(rr.mul(rr)));
            FloatVector danr = dan.mul(rr);
            dar.intoArray(dx, g + hs + j);
            dar.intoArray(dRec, g + hs + j);
            dar.intoArray(dRecNext, r + hs + j);
            danr.intoArray(dRec, g + n2 + j);
            danr.intoArray(dRecNext, r + n2 + j);
        }
    }
}
