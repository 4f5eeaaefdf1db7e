/*
 * One in-place update per weight, as io.neurite.device.OptimizerStep defines each rule. The
 * per-step constants (1 - rho, Adam's bias corrections) arrive from the host, worked out there
 * once in double exactly as the CPU backend does, so both round the same float expressions; those
 * that change from step to step (the rate, the corrections) may come from the step table instead
 * (STEP_PARAMS in prelude.h), so that a recorded step replays with each step's values.
 */

/* Keras' regulariser terms: g + l1 sign(w) + 2 l2 w, with sign(0) = 0. */
FN float penalised(float g, float w, float l1, float l2) {
    float sign = w > 0.0f ? 1.0f : (w < 0.0f ? -1.0f : 0.0f);
    return g + l1 * sign + 2.0f * l2 * w;
}

KERNEL sgd_step(int n, float lr, STEP_PARAMS, float l1, float l2, GLOBAL float* w, GLOBAL const float* g) {
    int i = GID(0);
    if (i < n) w[i] -= STEP_F(lr, 0) * penalised(g[i], w[i], l1, l2);
}

/* Keras' velocity form: v = mu v - lr g; Nesterov steps by mu v - lr g. */
KERNEL momentum_step(int n, float lr, STEP_PARAMS, float mu, int nesterov, float l1, float l2,
                     GLOBAL float* w, GLOBAL const float* g, GLOBAL float* v) {
    int i = GID(0);
    if (i >= n) return;
    float step = STEP_F(lr, 0) * penalised(g[i], w[i], l1, l2);
    float vi = mu * v[i] - step;
    v[i] = vi;
    w[i] += nesterov ? mu * vi - step : vi;
}

KERNEL adagrad_step(int n, float lr, STEP_PARAMS, float eps, float l1, float l2,
                    GLOBAL float* w, GLOBAL const float* g, GLOBAL float* acc) {
    int i = GID(0);
    if (i >= n) return;
    float gi = penalised(g[i], w[i], l1, l2);
    float a = acc[i] + gi * gi;
    acc[i] = a;
    w[i] -= STEP_F(lr, 0) * gi / (sqrt(a) + eps);
}

KERNEL adadelta_step(int n, float lr, STEP_PARAMS, float eps, float rho, float rest, float l1, float l2,
                     GLOBAL float* w, GLOBAL const float* g, GLOBAL float* s1, GLOBAL float* s2) {
    int i = GID(0);
    if (i >= n) return;
    float gi = penalised(g[i], w[i], l1, l2);
    float a = rho * s1[i] + rest * gi * gi;
    float u = sqrt(s2[i] + eps) / sqrt(a + eps) * gi;
    s1[i] = a;
    s2[i] = rho * s2[i] + rest * u * u;
    w[i] -= STEP_F(lr, 0) * u;
}

KERNEL rmsprop_step(int n, float lr, STEP_PARAMS, float eps, float rho, float rest, float l1, float l2,
                    GLOBAL float* w, GLOBAL const float* g, GLOBAL float* ms) {
    int i = GID(0);
    if (i >= n) return;
    float gi = penalised(g[i], w[i], l1, l2);
    float a = rho * ms[i] + rest * gi * gi;
    ms[i] = a;
    w[i] -= STEP_F(lr, 0) * gi / (sqrt(a) + eps);
}

/* Bias-corrected Adam with lrOverC1 = lr / (1 - beta1^t) and invC2 = 1 / (1 - beta2^t). */
KERNEL adam_step(int n, float b1, float b2, float rest1, float rest2, float eps, float lrOverC1, float invC2,
                 STEP_PARAMS, float l1, float l2, GLOBAL float* w, GLOBAL const float* g, GLOBAL float* m, GLOBAL float* v) {
    int i = GID(0);
    if (i >= n) return;
    float gi = penalised(g[i], w[i], l1, l2);
    float mi = b1 * m[i] + rest1 * gi;
    float vi = b2 * v[i] + rest2 * gi * gi;
    m[i] = mi;
    v[i] = vi;
    w[i] -= STEP_F(lrOverC1, 0) * mi / (sqrt(vi * STEP_F(invC2, 1)) + eps);
}
