/*
 * Tree reductions: one work-group per output (a cell of a reduced axis, a channel, a row), whose
 * items stride over the inputs and then combine their partial results in local memory
 * (group_sum, group_max). Sums are float; each item adds about length / LSIZE terms and the tree
 * adds the partials pairwise, so the rounding grows with log(length), not length.
 */

/* SUM, MEAN or MAX over the middle axis of x [outer, axis, inner] into y [outer, inner]; axis > 0. */
KERNEL reduce_axis(int op, int axis, int inner, GLOBAL const float* x, GLOBAL float* y) {
    LOCAL_ARRAY(float, buf, REDUCE_WG);
    int cell = GROUP(0), o = cell / inner, j = cell % inner;
    int base = o * axis * inner + j;
    int max = op == RED_MAX;
    float acc = max ? NEG_INF : 0.0f;
    for (int a = LID(0); a < axis; a += LSIZE(0)) {
        float v = x[base + a * inner];
        acc = max ? max_nan(acc, v) : acc + v;
    }
    float r = max ? group_max(buf, acc) : group_sum(buf, acc);
    if (LID(0) == 0) y[cell] = op == RED_MEAN ? r / (float) axis : r;
}

/* Index of element e (of n*inner) of channel ch in [n, channels, inner]. */
FN int channel_index(int e, int ch, int channels, int inner) {
    return ((e / inner) * channels + ch) * inner + e % inner;
}

/*
 * db[c] = sum of dy[o, c, i] over o and i. Each item adds its terms in runs of 16 and then the
 * runs' sums: added one after another, LeNet's 64 x 6 x 576 gradient came out 2e-4 off
 * (relative) with PoCL on a 2-core AVX2 host, over the conformance tolerance.
 */
KERNEL bias_gradient(int outer, int channels, int inner, GLOBAL const float* dy, GLOBAL float* db) {
    LOCAL_ARRAY(float, buf, REDUCE_WG);
    int ch = GROUP(0), count = outer * inner;
    float acc = 0.0f, run = 0.0f;
    int terms = 0;
    for (int e = LID(0); e < count; e += LSIZE(0)) {
        run += dy[channel_index(e, ch, channels, inner)];
        if (++terms == 16) {
            acc += run;
            run = 0.0f;
            terms = 0;
        }
    }
    float r = group_sum(buf, acc + run);
    if (LID(0) == 0) db[ch] = r;
}

/* PReLU's backward for channel GROUP(0): dx as a leaky ReLU's, dSlope = sum of min(x, 0) dy. */
KERNEL prelu_backward(int outer, int channels, int inner, GLOBAL const float* x, GLOBAL const float* slope,
                      GLOBAL const float* dy, GLOBAL float* dx, GLOBAL float* dSlope) {
    LOCAL_ARRAY(float, buf, REDUCE_WG);
    int ch = GROUP(0), count = outer * inner;
    float s = slope[ch], acc = 0.0f;
    for (int e = LID(0); e < count; e += LSIZE(0)) {
        int i = channel_index(e, ch, channels, inner);
        float v = x[i], g = dy[i];
        dx[i] = v > 0.0f ? g : s * g;
        acc += (v < 0.0f ? v : 0.0f) * g;
    }
    float r = group_sum(buf, acc);
    if (LID(0) == 0) dSlope[ch] = r;
}

/* Batch normalisation of channel GROUP(0) of x [n, channels, inner]; see io.neurite.device.BatchNormSpec. */
KERNEL batch_norm_forward(int training, int n, int channels, int inner, float eps, float keep, float take,
                          GLOBAL const float* x, GLOBAL const float* gamma, GLOBAL const float* beta, GLOBAL float* y,
                          GLOBAL float* movingMean, GLOBAL float* movingVar, GLOBAL float* savedMean,
                          GLOBAL float* savedInvStd) {
    LOCAL_ARRAY(float, buf, REDUCE_WG);
    int ch = GROUP(0), count = n * inner;
    float mean, var;
    if (training) {
        /* Summing x - x[first] keeps the digits a large common offset (pixels around 100) would eat. */
        float shift = x[channel_index(0, ch, channels, inner)], acc = 0.0f;
        for (int e = LID(0); e < count; e += LSIZE(0)) acc += x[channel_index(e, ch, channels, inner)] - shift;
        mean = shift + group_sum(buf, acc) / (float) count;
        acc = 0.0f;
        for (int e = LID(0); e < count; e += LSIZE(0)) {
            float d = x[channel_index(e, ch, channels, inner)] - mean;
            acc += d * d;
        }
        var = group_sum(buf, acc) / (float) count;
    } else {
        mean = movingMean[ch];
        var = movingVar[ch];
    }
    float invStd = 1.0f / sqrt(var + eps);
    if (training && LID(0) == 0) {
        movingMean[ch] = keep * movingMean[ch] + take * mean;
        movingVar[ch] = keep * movingVar[ch] + take * var;
        savedMean[ch] = mean;
        savedInvStd[ch] = invStd;
    }
    float q = gamma[ch] * invStd, r = beta[ch];
    for (int e = LID(0); e < count; e += LSIZE(0)) {
        int i = channel_index(e, ch, channels, inner);
        y[i] = q * (x[i] - mean) + r;
    }
}

/* dBeta = sum dy, dGamma = sum dy xhat, dx = gamma invStd / N (N dy - dBeta - xhat dGamma). */
KERNEL batch_norm_backward(int n, int channels, int inner, GLOBAL const float* x, GLOBAL const float* gamma,
                           GLOBAL const float* dy, GLOBAL const float* savedMean, GLOBAL const float* savedInvStd,
                           GLOBAL float* dx, GLOBAL float* dGamma, GLOBAL float* dBeta) {
    LOCAL_ARRAY(float, buf, REDUCE_WG);
    int ch = GROUP(0), count = n * inner;
    float mean = savedMean[ch], invStd = savedInvStd[ch], sumDy = 0.0f, sumDyX = 0.0f;
    for (int e = LID(0); e < count; e += LSIZE(0)) {
        int i = channel_index(e, ch, channels, inner);
        sumDy += dy[i];
        sumDyX += dy[i] * (x[i] - mean);
    }
    sumDy = group_sum(buf, sumDy);
    float sumDyXhat = group_sum(buf, sumDyX) * invStd;
    if (LID(0) == 0) {
        dBeta[ch] = sumDy;
        dGamma[ch] = sumDyXhat;
    }
    float k = gamma[ch] * invStd / (float) count;
    for (int e = LID(0); e < count; e += LSIZE(0)) {
        int i = channel_index(e, ch, channels, inner);
        float xhat = (x[i] - mean) * invStd;
        dx[i] = k * ((float) count * dy[i] - sumDy - xhat * sumDyXhat);
    }
}

/* loss[0] = mean (p - t)^2 over n, in one work-group; grad = twice (p - t) where hasGrad. */
KERNEL mse(int n, int hasGrad, float twice, GLOBAL const float* p, GLOBAL const float* t, GLOBAL float* loss,
           GLOBAL float* grad) {
    LOCAL_ARRAY(float, buf, REDUCE_WG);
    float acc = 0.0f;
    for (int i = LID(0); i < n; i += LSIZE(0)) {
        float d = p[i] - t[i];
        acc += d * d;
        if (hasGrad) grad[i] = twice * d;
    }
    float r = group_sum(buf, acc);
    if (LID(0) == 0) loss[0] = r / (float) n;
}
