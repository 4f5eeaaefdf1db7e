/*
 * Row-wise softmax, log-softmax and softmax cross-entropy: one work-group per row, the row max and
 * the exponentials' sum taken as tree reductions. Every row is shifted by its max first, so logits
 * of any magnitude neither overflow nor lose the row's largest term.
 */

#define SOFTMAX_PLAIN 0
#define SOFTMAX_LOG 1

KERNEL softmax_rows(int op, int cols, GLOBAL const float* x, GLOBAL float* y) {
    LOCAL_ARRAY(float, buf, REDUCE_WG);
    int off = GROUP(0) * cols;
    float m = NEG_INF;
    for (int j = LID(0); j < cols; j += LSIZE(0)) m = max_nan(m, x[off + j]);
    m = group_max(buf, m);
    float s = 0.0f;
    for (int j = LID(0); j < cols; j += LSIZE(0)) s += exp(x[off + j] - m);
    s = group_sum(buf, s);
    if (op == SOFTMAX_PLAIN) {
        float inv = 1.0f / s;
        for (int j = LID(0); j < cols; j += LSIZE(0)) y[off + j] = exp(x[off + j] - m) * inv;
    } else {
        /* (x - max) - log(sum) keeps the small differences that x - (max + log sum) would round away */
        float logSum = log(s);
        for (int j = LID(0); j < cols; j += LSIZE(0)) y[off + j] = (x[off + j] - m) - logSum;
    }
}

/* Given the forward's y: softmax dx = y (dy - sum(dy y)); log-softmax dx = dy - exp(y) sum(dy). */
KERNEL softmax_backward_rows(int op, int cols, GLOBAL const float* y, GLOBAL const float* dy, GLOBAL float* dx) {
    LOCAL_ARRAY(float, buf, REDUCE_WG);
    int off = GROUP(0) * cols;
    float s = 0.0f;
    for (int j = LID(0); j < cols; j += LSIZE(0)) s += op == SOFTMAX_PLAIN ? dy[off + j] * y[off + j] : dy[off + j];
    s = group_sum(buf, s);
    for (int j = LID(0); j < cols; j += LSIZE(0)) {
        int i = off + j;
        dx[i] = op == SOFTMAX_PLAIN ? y[i] * (dy[i] - s) : dy[i] - exp(y[i]) * s;
    }
}

/*
 * loss[r] = -sum_j t_j log softmax(x)_j and, where hasGrad, grad = (softmax(x) - t) gradScale, with
 * t the row of targets (useTargets) or one-hot at labels[r]; labels were checked by the host.
 */
KERNEL softmax_cross_entropy(int cols, int useTargets, GLOBAL const float* x, GLOBAL const int* labels,
                             GLOBAL const float* targets, GLOBAL float* loss, int hasGrad, GLOBAL float* grad,
                             float gradScale) {
    LOCAL_ARRAY(float, buf, REDUCE_WG);
    int r = GROUP(0), off = r * cols, label = useTargets ? -1 : labels[r];
    float m = NEG_INF;
    for (int j = LID(0); j < cols; j += LSIZE(0)) m = max_nan(m, x[off + j]);
    m = group_max(buf, m);
    float s = 0.0f;
    for (int j = LID(0); j < cols; j += LSIZE(0)) s += exp(x[off + j] - m);
    /* log-probabilities as (x - max) - log(sum): with logits of 1e4 a float max + log(sum) would lose the loss */
    float logSum = log(group_sum(buf, s));
    float acc = 0.0f;
    for (int j = LID(0); j < cols; j += LSIZE(0)) {
        float t = useTargets ? targets[off + j] : (j == label ? 1.0f : 0.0f);
        float logP = (x[off + j] - m) - logSum;
        /* t = 0 is skipped, so a -inf logit with no target weight adds 0, not 0 * inf */
        if (t != 0.0f) acc -= t * logP;
        if (hasGrad) grad[off + j] = (exp(logP) - t) * gradScale;
    }
    float total = group_sum(buf, acc);
    if (LID(0) == 0) loss[r] = total;
}
