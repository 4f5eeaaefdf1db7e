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

    private static FloatVector load(float[] a, int off) {
        return FloatVector.fromArray(S, a, off);
    }

    // VectorMath, not lanewise(EXP/TANH): those give other bits interpreted than compiled, so
    // training would depend on when the JIT got to this loop.
    private static FloatVector sigmoid(FloatVector v) {
        return VectorMath.sigmoid(v);
    }

    private static FloatVector tanh(FloatVector v) {
        return VectorMath.tanh(v);
    }

    /** {@code v (1 - v)}: the sigmoid's derivative from its output. */
    private static FloatVector dSigmoid(FloatVector v) {
        return v.sub(v.mul(v));
    }

    /** {@code 1 - v^2}: tanh's derivative from its output. */
    private static FloatVector dTanh(FloatVector v) {
        return v.neg().fma(v, FloatVector.broadcast(S, 1f));
    }

    /**
     * {@code gates[g + j] = sigmoid(gates[g + j] + rec[r + j] + bias[b + j])} for j below n. One
     * activation per method, taking only arrays: wherever C2's node limit cuts the inlining of a
     * cell (NodeCountInliningCutoff), it then cuts at one of these calls, not inside the vector
     * maths, which would run boxed.
     */
    private static void sigmoidGate(float[] gates, int g, float[] rec, int r, float[] bias, int b, int n) {
        for (int j = 0; j < n; j += VL) {
            sigmoid(load(gates, g + j).add(load(rec, r + j)).add(load(bias, b + j))).intoArray(gates, g + j);
        }
    }

    /** {@link #sigmoidGate} with tanh. */
    private static void tanhGate(float[] gates, int g, float[] rec, int r, float[] bias, int b, int n) {
        for (int j = 0; j < n; j += VL) {
            tanh(load(gates, g + j).add(load(rec, r + j)).add(load(bias, b + j))).intoArray(gates, g + j);
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
            FloatVector i = load(gates, g + j), f = load(gates, g + hs + j);
            FloatVector ct = f.fma(load(c, prev + j), i.mul(load(gates, g + 2 * hs + j)));
            ct.intoArray(c, cur + j);
            FloatVector ht = load(gates, g + 3 * hs + j).mul(tanh(ct));
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
            FloatVector o = load(gates, g + o3 + j), th = tanh(load(c, cur + j));
            FloatVector dht = load(dOut, prev + j).add(load(dh, n + j));
            FloatVector dct = dht.mul(o).fma(dTanh(th), load(dc, n + j));
            dct.mul(load(gates, g + hs + j)).intoArray(dc, n + j);
            dct.intoArray(dz, g + j);
            FloatVector dao = dht.mul(th).mul(dSigmoid(o));
            dao.intoArray(dz, g + o3 + j);
            dao.intoArray(dzNext, r + o3 + j);
        }
        for (int j = 0; j < end; j += VL) {
            FloatVector dct = load(dz, g + j), i = load(gates, g + j), f = load(gates, g + hs + j), cand = load(gates, g + 2 * hs + j);
            FloatVector dai = dct.mul(cand).mul(dSigmoid(i)), daf = dct.mul(load(c, prev + j)).mul(dSigmoid(f));
            FloatVector dag = dct.mul(i).mul(dTanh(cand));
            dai.intoArray(dz, g + j);
            dai.intoArray(dzNext, r + j);
            daf.intoArray(dz, g + hs + j);
            daf.intoArray(dzNext, r + hs + j);
            dag.intoArray(dz, g + 2 * hs + j);
            dag.intoArray(dzNext, r + 2 * hs + j);
        }
        return end;
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
            FloatVector a = load(gates, g + j).add(load(bias, bIn + j)).add(load(rec, r + j)).add(load(bias, bRec + j));
            sigmoid(a).intoArray(gates, g + j);
        }
    }

    /** The GRU's candidate n and h_t from the activated z and r, units [0, end) (see {@link #lstmStates}). */
    private static void gruStates(int hs, int end, float[] gates, int g, float[] rec, int r, float[] bias, float[] hCand,
                                  float[] h, int prev, int cur, float[] hNext, int n) {
        int gs = 3 * hs, n2 = 2 * hs;
        for (int j = 0; j < end; j += VL) {
            FloatVector z = load(gates, g + j), rr = load(gates, g + hs + j);
            FloatVector cand = load(rec, r + n2 + j).add(load(bias, gs + n2 + j));
            FloatVector nn = tanh(rr.fma(cand, load(gates, g + n2 + j).add(load(bias, n2 + j))));
            nn.intoArray(gates, g + n2 + j);
            cand.intoArray(hCand, prev + j);
            // z h + (1 - z) n, as n + z (h - n): one rounding fewer.
            FloatVector ht = z.fma(load(h, prev + j).sub(nn), nn);
            ht.intoArray(h, cur + j);
            ht.intoArray(hNext, n + j);
        }
    }

    /** GRU backward of one row's units [0, returned bound): z and n first, then r from n's gradient. */
    static int gruBackward(int hs, float[] gates, int g, float[] hCand, float[] h, int prev, float[] dOut, float[] dh, int n,
                           float[] dx, float[] dRec, float[] dRecNext, int r) {
        int end = S.loopBound(hs), n2 = 2 * hs;
        for (int j = 0; j < end; j += VL) {
            FloatVector z = load(gates, g + j), nn = load(gates, g + n2 + j);
            FloatVector dht = load(dOut, prev + j).add(load(dh, n + j));
            FloatVector dan = dht.sub(dht.mul(z)).mul(dTanh(nn));
            FloatVector daz = dht.mul(load(h, prev + j).sub(nn)).mul(dSigmoid(z));
            dht.mul(z).intoArray(dh, n + j);
            daz.intoArray(dx, g + j);
            daz.intoArray(dRec, g + j);
            daz.intoArray(dRecNext, r + j);
            dan.intoArray(dx, g + n2 + j);
        }
        for (int j = 0; j < end; j += VL) {
            FloatVector rr = load(gates, g + hs + j), dan = load(dx, g + n2 + j);
            FloatVector dar = dan.mul(load(hCand, prev + j)).mul(dSigmoid(rr));
            FloatVector danr = dan.mul(rr);
            dar.intoArray(dx, g + hs + j);
            dar.intoArray(dRec, g + hs + j);
            dar.intoArray(dRecNext, r + hs + j);
            danr.intoArray(dRec, g + n2 + j);
            danr.intoArray(dRecNext, r + n2 + j);
        }
        return end;
    }
}
