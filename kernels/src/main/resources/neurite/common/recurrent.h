/*
 * The fused LSTM and GRU cells of one time step, one work item per (sequence b, unit j); see
 * io.neurite.device.Kernels#lstmCellForward and its siblings for the maths and the layouts.
 * Sequence buffers are time-major: step s of row b of a width-w buffer starts at (s batch + b) w;
 * per-step buffers start at b w. The matrix products around a step are GEMMs of the caller's.
 */

FN float sigmoid(float x) {
    return 1.0f / (1.0f + exp(-x));
}

/*
 * Offsets of item (b, j) of step t: gates row, recurrent row, state at t-1, per-step state. The
 * state at t, one step of the sequence further, is STATE_AT_T; it is not declared here, because
 * the GRU's backward step never touches it and an unused variable is a compiler warning.
 */
#define CELL_OFFSETS(gateWidth)                                                  \
    int b = e / units, j = e % units;                                            \
    int g = (t * batch + b) * (gateWidth), r = b * (gateWidth);                  \
    int prev = (t * batch + b) * units + j, n = b * units + j
#define STATE_AT_T (prev + batch * units)

KERNEL lstm_cell_forward(int batch, int units, int t, GLOBAL float* gates, GLOBAL const float* rec,
                         GLOBAL const float* bias, GLOBAL float* c, GLOBAL float* h, GLOBAL float* hNext) {
    int e = GID(0);
    if (e >= batch * units) return;
    CELL_OFFSETS(4 * units);
    int cur = STATE_AT_T;
    int hs = units;
    float i = sigmoid(gates[g + j] + rec[r + j] + bias[j]);
    float f = sigmoid(gates[g + hs + j] + rec[r + hs + j] + bias[hs + j]);
    float cand = tanh(gates[g + 2 * hs + j] + rec[r + 2 * hs + j] + bias[2 * hs + j]);
    float o = sigmoid(gates[g + 3 * hs + j] + rec[r + 3 * hs + j] + bias[3 * hs + j]);
    gates[g + j] = i;
    gates[g + hs + j] = f;
    gates[g + 2 * hs + j] = cand;
    gates[g + 3 * hs + j] = o;
    float ct = f * c[prev] + i * cand;
    c[cur] = ct;
    float ht = o * tanh(ct);
    h[cur] = ht;
    hNext[n] = ht;
}

KERNEL lstm_cell_backward(int batch, int units, int t, GLOBAL const float* gates, GLOBAL const float* c,
                          GLOBAL const float* dOut, GLOBAL const float* dh, GLOBAL float* dc, GLOBAL float* dz,
                          GLOBAL float* dzNext) {
    int e = GID(0);
    if (e >= batch * units) return;
    CELL_OFFSETS(4 * units);
    int cur = STATE_AT_T;
    int hs = units;
    float i = gates[g + j], f = gates[g + hs + j], cand = gates[g + 2 * hs + j], o = gates[g + 3 * hs + j];
    float th = tanh(c[cur]);
    float dht = dOut[prev] + dh[n];
    float dct = dc[n] + dht * o * (1.0f - th * th);
    dc[n] = dct * f;
    float da[4];
    da[0] = dct * cand * i * (1.0f - i);
    da[1] = dct * c[prev] * f * (1.0f - f);
    da[2] = dct * i * (1.0f - cand * cand);
    da[3] = dht * th * o * (1.0f - o);
    for (int k = 0; k < 4; k++) {
        dz[g + k * hs + j] = da[k];
        dzNext[r + k * hs + j] = da[k];
    }
}

/* bias is [2, 3H]: the input bias, then the recurrent bias. */
KERNEL gru_cell_forward(int batch, int units, int t, GLOBAL float* gates, GLOBAL const float* rec,
                        GLOBAL const float* bias, GLOBAL float* hCand, GLOBAL float* h, GLOBAL float* hNext) {
    int e = GID(0);
    if (e >= batch * units) return;
    CELL_OFFSETS(3 * units);
    int cur = STATE_AT_T;
    int hs = units, gs = 3 * units;
    float z = sigmoid(gates[g + j] + bias[j] + rec[r + j] + bias[gs + j]);
    float rr = sigmoid(gates[g + hs + j] + bias[hs + j] + rec[r + hs + j] + bias[gs + hs + j]);
    float cand = rec[r + 2 * hs + j] + bias[gs + 2 * hs + j];
    float nn = tanh(gates[g + 2 * hs + j] + bias[2 * hs + j] + rr * cand);
    gates[g + j] = z;
    gates[g + hs + j] = rr;
    gates[g + 2 * hs + j] = nn;
    hCand[prev] = cand;
    float ht = z * h[prev] + (1.0f - z) * nn;
    h[cur] = ht;
    hNext[n] = ht;
}

KERNEL gru_cell_backward(int batch, int units, int t, GLOBAL const float* gates, GLOBAL const float* hCand,
                         GLOBAL const float* h, GLOBAL const float* dOut, GLOBAL float* dh, GLOBAL float* dx,
                         GLOBAL float* dRec, GLOBAL float* dRecNext) {
    int e = GID(0);
    if (e >= batch * units) return;
    CELL_OFFSETS(3 * units);
    int hs = units;
    float z = gates[g + j], rr = gates[g + hs + j], nn = gates[g + 2 * hs + j];
    float dht = dOut[prev] + dh[n];
    float dan = dht * (1.0f - z) * (1.0f - nn * nn);
    float dar = dan * hCand[prev] * rr * (1.0f - rr);
    float daz = dht * (h[prev] - nn) * z * (1.0f - z);
    dh[n] = dht * z;
    dx[g + j] = daz;
    dx[g + hs + j] = dar;
    dx[g + 2 * hs + j] = dan;
    float rec[3];
    rec[0] = daz;
    rec[1] = dar;
    rec[2] = dan * rr;
    for (int k = 0; k < 3; k++) {
        dRec[g + k * hs + j] = rec[k];
        dRecNext[r + k * hs + j] = rec[k];
    }
}
