/*
 * Convolution's im2col and col2im, and max and average pooling, on NCHW images. A window has
 * kernel kh x kw, stride sh x sw, padding pt above and pl on the left, and an explicit output size
 * oh x ow (io.neurite.device.Window2d). The backward passes gather: each input cell sums what the
 * windows covering it send back, so no two items write the same cell and no atomics are needed.
 * Every kernel walks image rows in chunks (CHUNKED): an item takes a run of one row.
 */

#define WINDOW_PARAMS int kh, int kw, int sh, int sw, int pt, int pl, int oh, int ow

/* The first and last output index (along one axis) whose window covers input cell at; last < first if none. */
FN int first_window(int at, int pad, int size, int stride) {
    int reach = at + pad - size + 1;
    return reach <= 0 ? 0 : (reach + stride - 1) / stride;
}

FN int last_window(int at, int pad, int stride, int out) {
    return min(out - 1, (at + pad) / stride);
}

/*
 * col [count][K][P] of images [count][c][h][w] at x + xOff, with K = c kh kw (row (ci kh + ky) kw + kx)
 * and P = oh ow (column oy ow + ox); 0 where the cell lies in the padding. Rows of the walk are
 * (image, K row, oy), of length ow.
 */
KERNEL im2col(int items, int chunk, int c, int h, int w, WINDOW_PARAMS, GLOBAL const float* x, int xOff,
              GLOBAL float* col) {
    int item = GID(0);
    if (item >= items) return;
    CHUNKED(item, ow, chunk, line, first);
    int oy = line % oh, row = (line / oh) % (c * kh * kw), b = line / (oh * c * kh * kw);
    int kx = row % kw, ky = (row / kw) % kh, ci = row / (kw * kh);
    int iy = oy * sh - pt + ky, end = CHUNK_END(first, ow, chunk);
    GLOBAL const float* src = x + xOff + ((b * c + ci) * h + iy) * w;
    GLOBAL float* dst = col + line * ow;
    for (int ox = first; ox < end; ox++) {
        int ix = ox * sw - pl + kx;
        dst[ox] = iy >= 0 && iy < h && ix >= 0 && ix < w ? src[ix] : 0.0f;
    }
}

/* col2im: dx (overwritten, at dxOff) = the sum over every window of its column entries, rows (image, ci, iy). */
KERNEL col2im(int items, int chunk, int c, int h, int w, WINDOW_PARAMS, GLOBAL const float* col, GLOBAL float* dx,
              int dxOff) {
    int item = GID(0);
    if (item >= items) return;
    CHUNKED(item, w, chunk, line, first);
    int iy = line % h, ci = (line / h) % c, b = line / (h * c);
    int P = oh * ow, base = (b * c + ci) * kh * kw, end = CHUNK_END(first, w, chunk);
    int oy0 = first_window(iy, pt, kh, sh), oy1 = last_window(iy, pt, sh, oh);
    for (int ix = first; ix < end; ix++) {
        float acc = 0.0f;
        for (int oy = oy0; oy <= oy1; oy++) {
            int ky = iy + pt - oy * sh;
            for (int ox = first_window(ix, pl, kw, sw), oxEnd = last_window(ix, pl, sw, ow); ox <= oxEnd; ox++) {
                acc += col[(base + ky * kw + ix + pl - ox * sw) * P + oy * ow + ox];
            }
        }
        dx[dxOff + line * w + ix] = acc;
    }
}

/* The window of output (oy, ox) clipped to the image: rows [y0, y1), columns [x0, x1). */
#define CLIPPED_ROWS int y0 = max(0, oy * sh - pt), y1 = min(h, oy * sh - pt + kh)
#define CLIPPED_COLUMNS int x0 = max(0, ox * sw - pl), x1 = min(w, ox * sw - pl + kw)

/*
 * Max pooling: y = the window max over unpadded cells (ties keep the first in row-major order,
 * NaN wins); idx (when hasIdx) = the winner's flat offset in x. Rows of the walk are (plane, oy).
 */
KERNEL max_pool_forward(int items, int chunk, int h, int w, WINDOW_PARAMS, GLOBAL const float* x, GLOBAL float* y,
                        int hasIdx, GLOBAL int* idx) {
    int item = GID(0);
    if (item >= items) return;
    CHUNKED(item, ow, chunk, line, first);
    int oy = line % oh, plane = line / oh, end = CHUNK_END(first, ow, chunk);
    CLIPPED_ROWS;
    for (int ox = first; ox < end; ox++) {
        CLIPPED_COLUMNS;
        int best = (plane * h + y0) * w + x0;
        float bv = x[best];
        for (int iy = y0; iy < y1; iy++) {
            for (int ix = x0; ix < x1; ix++) {
                int at = (plane * h + iy) * w + ix;
                float v = x[at];
                if (v > bv || (v != v && bv == bv)) {
                    bv = v;
                    best = at;
                }
            }
        }
        y[line * ow + ox] = bv;
        if (hasIdx) idx[line * ow + ox] = best;
    }
}

/* dx (overwritten) = the sum of dy over the windows that chose each cell; rows (plane, iy). */
KERNEL max_pool_backward(int items, int chunk, int h, int w, WINDOW_PARAMS, GLOBAL const float* dy,
                         GLOBAL const int* idx, GLOBAL float* dx) {
    int item = GID(0);
    if (item >= items) return;
    CHUNKED(item, w, chunk, line, first);
    int iy = line % h, plane = line / h, end = CHUNK_END(first, w, chunk);
    int oy0 = first_window(iy, pt, kh, sh), oy1 = last_window(iy, pt, sh, oh);
    for (int ix = first; ix < end; ix++) {
        int cell = line * w + ix;
        float acc = 0.0f;
        for (int oy = oy0; oy <= oy1; oy++) {
            for (int ox = first_window(ix, pl, kw, sw), oxEnd = last_window(ix, pl, sw, ow); ox <= oxEnd; ox++) {
                int o = (plane * oh + oy) * ow + ox;
                if (idx[o] == cell) acc += dy[o];
            }
        }
        dx[cell] = acc;
    }
}

/* Average pooling over the unpadded cells of each window; rows (plane, oy). */
KERNEL avg_pool_forward(int items, int chunk, int h, int w, WINDOW_PARAMS, GLOBAL const float* x, GLOBAL float* y) {
    int item = GID(0);
    if (item >= items) return;
    CHUNKED(item, ow, chunk, line, first);
    int oy = line % oh, plane = line / oh, end = CHUNK_END(first, ow, chunk);
    CLIPPED_ROWS;
    for (int ox = first; ox < end; ox++) {
        CLIPPED_COLUMNS;
        float sum = 0.0f;
        for (int iy = y0; iy < y1; iy++) {
            for (int ix = x0; ix < x1; ix++) sum += x[(plane * h + iy) * w + ix];
        }
        y[line * ow + ox] = sum / (float) ((y1 - y0) * (x1 - x0));
    }
}

/* dx (overwritten) = the sum of each covering window's dy shared evenly over its unpadded cells; rows (plane, iy). */
KERNEL avg_pool_backward(int items, int chunk, int h, int w, WINDOW_PARAMS, GLOBAL const float* dy, GLOBAL float* dx) {
    int item = GID(0);
    if (item >= items) return;
    CHUNKED(item, w, chunk, line, first);
    int iy = line % h, plane = line / h, end = CHUNK_END(first, w, chunk);
    int oy0 = first_window(iy, pt, kh, sh), oy1 = last_window(iy, pt, sh, oh);
    for (int ix = first; ix < end; ix++) {
        float acc = 0.0f;
        for (int oy = oy0; oy <= oy1; oy++) {
            CLIPPED_ROWS;
            for (int ox = first_window(ix, pl, kw, sw), oxEnd = last_window(ix, pl, sw, ow); ox <= oxEnd; ox++) {
                CLIPPED_COLUMNS;
                acc += dy[(plane * oh + oy) * ow + ox] / (float) ((y1 - y0) * (x1 - x0));
            }
        }
        dx[line * w + ix] = acc;
    }
}
