package io.neurite.cpu;

/**
 * The fused LSTM and GRU cells of one time step (see {@link io.neurite.device.Kernels#lstmCellForward}
 * and its siblings for the exact maths and buffer layouts). Each sequence of the batch is one
 * row of independent work, so rows are split between threads. Where the Vector API is present
 * the units of a row up to the last whole vector run on {@link CpuRecurrentVector} (EXP and
 * TANH from the JDK's SIMD maths library) and the scalar double-precision loops here finish the
 * row; without it those loops, which are also the readable statement of each cell, do it all.
 *
 * <p>Offsets: sequence buffers are time-major, so step s of batch row b and width w starts at
 * {@code (s * batch + b) * w}; per-step buffers start at {@code b * w}.
 */
final class CpuRecurrent {
    /** Gate elements per parallel chunk: a cell costs tens of cycles an element, so this pays for a hand-off. */
    private static final int GRAIN = 4096;

    private CpuRecurrent() {
    }

    /** Runs rows [0, batch) of a cell whose rows each touch rowWork gate elements. */
    private static void rows(int batch, int rowWork, Parallel.Range body) {
        Parallel.forRange(batch, Math.max(1, GRAIN / Math.max(1, rowWork)), body);
    }

    static void lstmForward(int batch, int units, int t, float[] gates, float[] rec, float[] bias, float[] c, float[] h,
                            float[] hNext) {
        int hs = units, gs = 4 * units;
        rows(batch, gs, (from, to) -> {
            for (int b = from; b < to; b++) {
                int g = (t * batch + b) * gs, r = b * gs, prev = (t * batch + b) * hs, cur = prev + batch * hs, n = b * hs;
                int done = VectorSupport.AVAILABLE
                        ? CpuRecurrentVector.lstmForward(hs, gates, g, rec, r, bias, c, prev, cur, h, hNext, n) : 0;
                lstmForwardRow(done, hs, gates, g, rec, r, bias, c, prev, cur, h, hNext, n);
            }
        });
    }

    private static void lstmForwardRow(int from, int hs, float[] gates, int g, float[] rec, int r, float[] bias, float[] c, int prev,
                                       int cur, float[] h, float[] hNext, int n) {
        for (int j = from; j < hs; j++) {
            double i = sigmoid(gates[g + j] + rec[r + j] + bias[j]);
            double f = sigmoid(gates[g + hs + j] + rec[r + hs + j] + bias[hs + j]);
            double cand = Math.tanh(gates[g + 2 * hs + j] + rec[r + 2 * hs + j] + bias[2 * hs + j]);
            double o = sigmoid(gates[g + 3 * hs + j] + rec[r + 3 * hs + j] + bias[3 * hs + j]);
            gates[g + j] = (float) i;
            gates[g + hs + j] = (float) f;
            gates[g + 2 * hs + j] = (float) cand;
            gates[g + 3 * hs + j] = (float) o;
            float ct = (float) (f * c[prev + j] + i * cand);
            c[cur + j] = ct;
            float ht = (float) (o * Math.tanh(ct));
            h[cur + j] = ht;
            hNext[n + j] = ht;
        }
    }

    static void lstmBackward(int batch, int units, int t, float[] gates, float[] c, float[] dOut, float[] dh, float[] dc,
                             float[] dz, float[] dzNext) {
        int hs = units, gs = 4 * units;
        rows(batch, gs, (from, to) -> {
            for (int b = from; b < to; b++) {
                int g = (t * batch + b) * gs, prev = (t * batch + b) * hs, cur = prev + batch * hs, n = b * hs, r = b * gs;
                int done = VectorSupport.AVAILABLE
                        ? CpuRecurrentVector.lstmBackward(hs, gates, g, c, prev, cur, dOut, dh, dc, n, dz, dzNext, r) : 0;
                lstmBackwardRow(done, hs, gates, g, c, prev, cur, dOut, dh, dc, n, dz, dzNext, r);
            }
        });
    }

    private static void lstmBackwardRow(int from, int hs, float[] gates, int g, float[] c, int prev, int cur, float[] dOut, float[] dh,
                                        float[] dc, int n, float[] dz, float[] dzNext, int r) {
        for (int j = from; j < hs; j++) {
            double i = gates[g + j], f = gates[g + hs + j], cand = gates[g + 2 * hs + j], o = gates[g + 3 * hs + j];
            double th = Math.tanh(c[cur + j]);
            double dht = dOut[prev + j] + dh[n + j];
            double dct = dc[n + j] + dht * o * (1 - th * th);
            dc[n + j] = (float) (dct * f);
            store(dz, g + j, dzNext, r + j, dct * cand * i * (1 - i));
            store(dz, g + hs + j, dzNext, r + hs + j, dct * c[prev + j] * f * (1 - f));
            store(dz, g + 2 * hs + j, dzNext, r + 2 * hs + j, dct * i * (1 - cand * cand));
            store(dz, g + 3 * hs + j, dzNext, r + 3 * hs + j, dht * th * o * (1 - o));
        }
    }

    static void gruForward(int batch, int units, int t, float[] gates, float[] rec, float[] bias, float[] hCand, float[] h,
                           float[] hNext) {
        int hs = units, gs = 3 * units;
        rows(batch, gs, (from, to) -> {
            for (int b = from; b < to; b++) {
                int g = (t * batch + b) * gs, r = b * gs, prev = (t * batch + b) * hs, cur = prev + batch * hs, n = b * hs;
                int done = VectorSupport.AVAILABLE
                        ? CpuRecurrentVector.gruForward(hs, gates, g, rec, r, bias, hCand, h, prev, cur, hNext, n) : 0;
                gruForwardRow(done, hs, gates, g, rec, r, bias, hCand, h, prev, cur, hNext, n);
            }
        });
    }

    private static void gruForwardRow(int from, int hs, float[] gates, int g, float[] rec, int r, float[] bias, float[] hCand, float[] h,
                                      int prev, int cur, float[] hNext, int n) {
        int gs = 3 * hs;
        for (int j = from; j < hs; j++) {
            double z = sigmoid(gates[g + j] + bias[j] + rec[r + j] + bias[gs + j]);
            double rr = sigmoid(gates[g + hs + j] + bias[hs + j] + rec[r + hs + j] + bias[gs + hs + j]);
            float cand = rec[r + 2 * hs + j] + bias[gs + 2 * hs + j];
            double nn = Math.tanh(gates[g + 2 * hs + j] + bias[2 * hs + j] + rr * cand);
            gates[g + j] = (float) z;
            gates[g + hs + j] = (float) rr;
            gates[g + 2 * hs + j] = (float) nn;
            hCand[prev + j] = cand;
            float ht = (float) (z * h[prev + j] + (1 - z) * nn);
            h[cur + j] = ht;
            hNext[n + j] = ht;
        }
    }

    static void gruBackward(int batch, int units, int t, float[] gates, float[] hCand, float[] h, float[] dOut, float[] dh,
                            float[] dx, float[] dRec, float[] dRecNext) {
        int hs = units, gs = 3 * units;
        rows(batch, gs, (from, to) -> {
            for (int b = from; b < to; b++) {
                int g = (t * batch + b) * gs, prev = (t * batch + b) * hs, n = b * hs, r = b * gs;
                int done = VectorSupport.AVAILABLE
                        ? CpuRecurrentVector.gruBackward(hs, gates, g, hCand, h, prev, dOut, dh, n, dx, dRec, dRecNext, r) : 0;
                gruBackwardRow(done, hs, gates, g, hCand, h, prev, dOut, dh, n, dx, dRec, dRecNext, r);
            }
        });
    }

    private static void gruBackwardRow(int from, int hs, float[] gates, int g, float[] hCand, float[] h, int prev, float[] dOut,
                                       float[] dh, int n, float[] dx, float[] dRec, float[] dRecNext, int r) {
        for (int j = from; j < hs; j++) {
            double z = gates[g + j], rr = gates[g + hs + j], nn = gates[g + 2 * hs + j];
            double dht = dOut[prev + j] + dh[n + j];
            double dan = dht * (1 - z) * (1 - nn * nn);
            double dar = dan * hCand[prev + j] * rr * (1 - rr);
            double daz = dht * (h[prev + j] - nn) * z * (1 - z);
            dh[n + j] = (float) (dht * z);
            dx[g + j] = (float) daz;
            dx[g + hs + j] = (float) dar;
            dx[g + 2 * hs + j] = (float) dan;
            store(dRec, g + j, dRecNext, r + j, daz);
            store(dRec, g + hs + j, dRecNext, r + hs + j, dar);
            store(dRec, g + 2 * hs + j, dRecNext, r + 2 * hs + j, dan * rr);
        }
    }

    /** Writes one gate gradient to its sequence block and to the contiguous per-step copy. */
    private static void store(float[] seq, int i, float[] step, int k, double v) {
        seq[i] = (float) v;
        step[k] = (float) v;
    }

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }
}
