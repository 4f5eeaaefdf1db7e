/*
 * Elementwise kernels: one work item per element (items past n return at once, since the host
 * rounds the global size up to whole work-groups). Broadcasting and strided copies walk up to
 * MAX_RANK axes; the host merges axes first, so most calls use two or three.
 */

KERNEL scale(int n, float alpha, GLOBAL const float* x, GLOBAL float* y) {
    int i = GID(0);
    if (i < n) y[i] = alpha * x[i];
}

KERNEL axpy(int n, float alpha, GLOBAL const float* x, GLOBAL float* y) {
    int i = GID(0);
    if (i < n) y[i] += alpha * x[i];
}

FN float apply_binary(int op, float x, float y) {
    switch (op) {
        case OP_ADD: return x + y;
        case OP_SUBTRACT: return x - y;
        case OP_MULTIPLY: return x * y;
        default: return x / y;
    }
}

/* out = a op b on operands laid out like the output. out may be a. */
KERNEL binary_flat(int op, int n, GLOBAL const float* a, GLOBAL const float* b, GLOBAL float* out) {
    int i = GID(0);
    if (i < n) out[i] = apply_binary(op, a[i], b[i]);
}

/* An operand's offset at element `first` of row `row` of shape (rows counted over all but the innermost axis). */
FN int strided_offset(int row, int first, const int* shape, const int* strides) {
    int at = first * strides[MAX_RANK - 1];
    for (int axis = MAX_RANK - 2; axis >= 0; axis--) {
        at += (row % shape[axis]) * strides[axis];
        row /= shape[axis];
    }
    return at;
}

/*
 * out (contiguous, of shape d) = a op b, each operand with its own strides (0 where broadcast);
 * items = rows of d times runs of chunk per row.
 */
KERNEL binary_strided(int items, int chunk, int op, RANK_PARAMS(d), RANK_PARAMS(sa), RANK_PARAMS(sb),
                      GLOBAL const float* a, GLOBAL const float* b, GLOBAL float* out) {
    int item = GID(0);
    if (item >= items) return;
    int shape[MAX_RANK] = RANK_ARRAY(d), as[MAX_RANK] = RANK_ARRAY(sa), bs[MAX_RANK] = RANK_ARRAY(sb);
    CHUNKED(item, d5, chunk, row, first);
    int ia = strided_offset(row, first, shape, as), ib = strided_offset(row, first, shape, bs);
    int io = row * d5 + first, n = CHUNK_END(first, d5, chunk) - first;
    for (int t = 0; t < n; t++) out[io + t] = apply_binary(op, a[ia + t * sa5], b[ib + t * sb5]);
}

/* A strided block copy of 32-bit elements (float or int: the bits move unchanged), chunked as above. */
KERNEL copy_strided(int items, int chunk, RANK_PARAMS(d), RANK_PARAMS(ss), RANK_PARAMS(ds),
                    GLOBAL const uint* src, int srcOffset, GLOBAL uint* dst, int dstOffset) {
    int item = GID(0);
    if (item >= items) return;
    int shape[MAX_RANK] = RANK_ARRAY(d), sst[MAX_RANK] = RANK_ARRAY(ss), dstr[MAX_RANK] = RANK_ARRAY(ds);
    CHUNKED(item, d5, chunk, row, first);
    int is = srcOffset + strided_offset(row, first, shape, sst), id = dstOffset + strided_offset(row, first, shape, dstr);
    int n = CHUNK_END(first, d5, chunk) - first;
    for (int t = 0; t < n; t++) dst[id + t * ds5] = src[is + t * ss5];
}

/* murmur3's finaliser, as io.neurite.device.CounterRandom computes it in 32-bit ints. */
FN uint mix32(uint h) {
    h ^= h >> 16;
    h *= 0x85EBCA6Bu;
    h ^= h >> 13;
    h *= 0xC2B2AE35u;
    h ^= h >> 16;
    return h;
}

/* CounterRandom.uniform(seed, i): 24 random bits scaled to [0, 1), bit for bit as on the host. */
FN float counter_uniform(uint seedLo, uint seedHi, int i) {
    uint h = mix32(((uint) i * 0x9E3779B9u) ^ seedLo);
    h = mix32(h ^ seedHi);
    return (float) (h >> 8) * (1.0f / 16777216.0f);
}

KERNEL dropout(int n, float rate, float keep, uint seedLo, uint seedHi, STEP_PARAMS,
               GLOBAL const float* x, GLOBAL float* mask, GLOBAL float* y) {
    int i = GID(0);
    if (i >= n) return;
    float m = counter_uniform((uint) STEP_I((int) seedLo, 0), (uint) STEP_I((int) seedHi, 1), i) >= rate ? keep : 0.0f;
    mask[i] = m;
    y[i] = x[i] * m;
}

FN float activate(int act, float alpha, float x) {
    switch (act) {
        case ACT_RELU: return x > 0.0f ? x : (x != x ? x : 0.0f); /* NaN stays NaN, -0 becomes +0 */
        case ACT_LEAKY: return x > 0.0f ? x : alpha * x;
        case ACT_SIGMOID: return 1.0f / (1.0f + exp(-x));
        default: return tanh(x);
    }
}

KERNEL activation(int act, float alpha, int n, GLOBAL const float* x, GLOBAL float* y) {
    int i = GID(0);
    if (i < n) y[i] = activate(act, alpha, x[i]);
}

/* dx = f'(x) dy; sigmoid and tanh take the derivative from the forward's y. */
KERNEL activation_backward(int act, float alpha, int n, GLOBAL const float* x, GLOBAL const float* y,
                           GLOBAL const float* dy, GLOBAL float* dx) {
    int i = GID(0);
    if (i >= n) return;
    float g = dy[i];
    switch (act) {
        case ACT_RELU: dx[i] = x[i] > 0.0f ? g : 0.0f * g; break;
        case ACT_LEAKY: dx[i] = x[i] > 0.0f ? g : alpha * g; break;
        case ACT_SIGMOID: dx[i] = g * y[i] * (1.0f - y[i]); break;
        default: dx[i] = g * (1.0f - y[i] * y[i]); break;
    }
}

/* PReLU over [outer, channels, inner]: a leaky ReLU with slope[c] on channel c. */
KERNEL prelu(int n, int channels, int inner, GLOBAL const float* x, GLOBAL const float* slope, GLOBAL float* y) {
    int i = GID(0);
    if (i >= n) return;
    float v = x[i];
    y[i] = v > 0.0f ? v : slope[(i / inner) % channels] * v;
}
