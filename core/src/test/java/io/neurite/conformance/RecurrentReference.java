package io.neurite.conformance;

/**
 * Naive double-precision statements of the recurrent cells of
 * {@link io.neurite.device.Kernels#lstmCellForward} and its siblings, on the same time-major
 * layouts. Inputs are doubles (a case converts its float inputs; a gradient check perturbs them
 * finer than a float could hold); each returns updated copies of the buffers the op writes, in
 * the op's argument order. Plain loops over (sequence b, unit j), one equation per line of the Javadoc.
 */
final class RecurrentReference {
    private RecurrentReference() {
    }

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    private static double[] copy(double[] v) {
        return v.clone();
    }

    /** Returns {gates, c, h, hNext} after the LSTM forward of step t. */
    static double[][] lstmForward(int batch, int hs, int t, double[] gates, double[] rec, double[] bias, double[] c, double[] h,
                                  double[] hNext) {
        double[] g = copy(gates), cc = copy(c), hh = copy(h), hn = copy(hNext);
        int gs = 4 * hs;
        for (int b = 0; b < batch; b++) {
            int row = (t * batch + b) * gs, prev = (t * batch + b) * hs, cur = ((t + 1) * batch + b) * hs;
            for (int j = 0; j < hs; j++) {
                double[] a = new double[4];
                for (int k = 0; k < 4; k++) a[k] = (double) gates[row + k * hs + j] + rec[b * gs + k * hs + j] + bias[k * hs + j];
                double i = sigmoid(a[0]), f = sigmoid(a[1]), gg = Math.tanh(a[2]), o = sigmoid(a[3]);
                g[row + j] = i;
                g[row + hs + j] = f;
                g[row + 2 * hs + j] = gg;
                g[row + 3 * hs + j] = o;
                double ct = f * c[prev + j] + i * gg;
                cc[cur + j] = ct;
                hh[cur + j] = o * Math.tanh(ct);
                hn[b * hs + j] = hh[cur + j];
            }
        }
        return new double[][] {g, cc, hh, hn};
    }

    /** Returns {dc, dz, dzNext} after the LSTM backward of step t. */
    static double[][] lstmBackward(int batch, int hs, int t, double[] gates, double[] c, double[] dOut, double[] dh, double[] dc,
                                   double[] dz, double[] dzNext) {
        double[] dcc = copy(dc), z = copy(dz), zn = copy(dzNext);
        int gs = 4 * hs;
        for (int b = 0; b < batch; b++) {
            int row = (t * batch + b) * gs, prev = (t * batch + b) * hs, cur = ((t + 1) * batch + b) * hs;
            for (int j = 0; j < hs; j++) {
                double i = gates[row + j], f = gates[row + hs + j], gg = gates[row + 2 * hs + j], o = gates[row + 3 * hs + j];
                double th = Math.tanh(c[cur + j]);
                double dht = (double) dOut[prev + j] + dh[b * hs + j];
                double dct = dc[b * hs + j] + dht * o * (1 - th * th);
                double[] da = {dct * gg * i * (1 - i), dct * c[prev + j] * f * (1 - f), dct * i * (1 - gg * gg), dht * th * o * (1 - o)};
                for (int k = 0; k < 4; k++) {
                    z[row + k * hs + j] = da[k];
                    zn[b * gs + k * hs + j] = da[k];
                }
                dcc[b * hs + j] = dct * f;
            }
        }
        return new double[][] {dcc, z, zn};
    }

    /** Returns {gates, hCand, h, hNext} after the GRU forward of step t. */
    static double[][] gruForward(int batch, int hs, int t, double[] gates, double[] rec, double[] bias, double[] hCand, double[] h,
                                 double[] hNext) {
        double[] g = copy(gates), hc = copy(hCand), hh = copy(h), hn = copy(hNext);
        int gs = 3 * hs;
        for (int b = 0; b < batch; b++) {
            int row = (t * batch + b) * gs, r = b * gs, prev = (t * batch + b) * hs, cur = ((t + 1) * batch + b) * hs;
            for (int j = 0; j < hs; j++) {
                double z = sigmoid((double) gates[row + j] + bias[j] + rec[r + j] + bias[gs + j]);
                double rr = sigmoid((double) gates[row + hs + j] + bias[hs + j] + rec[r + hs + j] + bias[gs + hs + j]);
                double cand = (double) rec[r + 2 * hs + j] + bias[gs + 2 * hs + j];
                double n = Math.tanh((double) gates[row + 2 * hs + j] + bias[2 * hs + j] + rr * cand);
                g[row + j] = z;
                g[row + hs + j] = rr;
                g[row + 2 * hs + j] = n;
                hc[prev + j] = cand;
                hh[cur + j] = z * h[prev + j] + (1 - z) * n;
                hn[b * hs + j] = hh[cur + j];
            }
        }
        return new double[][] {g, hc, hh, hn};
    }

    /** Returns {dh, dx, dRec, dRecNext} after the GRU backward of step t. */
    static double[][] gruBackward(int batch, int hs, int t, double[] gates, double[] hCand, double[] h, double[] dOut, double[] dh,
                                  double[] dx, double[] dRec, double[] dRecNext) {
        double[] dhh = copy(dh), x = copy(dx), rc = copy(dRec), rn = copy(dRecNext);
        int gs = 3 * hs;
        for (int b = 0; b < batch; b++) {
            int row = (t * batch + b) * gs, prev = (t * batch + b) * hs;
            for (int j = 0; j < hs; j++) {
                double z = gates[row + j], rr = gates[row + hs + j], n = gates[row + 2 * hs + j];
                double dht = (double) dOut[prev + j] + dh[b * hs + j];
                double dan = dht * (1 - z) * (1 - n * n);
                double dar = dan * hCand[prev + j] * rr * (1 - rr);
                double daz = dht * (h[prev + j] - n) * z * (1 - z);
                double[] dIn = {daz, dar, dan}, dR = {daz, dar, dan * rr};
                for (int k = 0; k < 3; k++) {
                    x[row + k * hs + j] = dIn[k];
                    rc[row + k * hs + j] = dR[k];
                    rn[b * gs + k * hs + j] = dR[k];
                }
                dhh[b * hs + j] = dht * z;
            }
        }
        return new double[][] {dhh, x, rc, rn};
    }
}
