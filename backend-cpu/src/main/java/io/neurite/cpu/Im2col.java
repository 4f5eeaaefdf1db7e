package io.neurite.cpu;

import io.neurite.device.DeviceException;
import io.neurite.device.Window2d;
import java.util.Arrays;

/**
 * Unfolds the patches of one NCHW image into a column matrix (im2col) and folds such a matrix
 * back onto an image (col2im), so that a convolution becomes a GEMM (see {@link CpuConv}).
 *
 * <p>The column matrix is {@code col[K][P]} with {@code K = c * kernelH * kernelW} rows, row
 * {@code (ci * kernelH + ky) * kernelW + kx}, and {@code P = outH * outW} columns, column
 * {@code oy * outW + ox}; entry {@code x[ci][oy*strideH - padTop + ky][ox*strideW - padLeft + kx]},
 * or 0 where that cell lies in the padding. Several images may sit side by side in one matrix,
 * each at its own column offset, with rows {@code ld} floats apart. Both directions walk the
 * same index mapping in one method so they cannot drift apart.
 */
final class Im2col {
    /** Scratch larger than this (in floats, 32 MiB) is not kept per thread, so a huge layer cannot pin memory. */
    private static final int CACHE_LIMIT = 8 << 20;
    /** Two per-thread arrays: a convolution needs a column matrix and a regrouped output at once. */
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[2][0]);

    private Im2col() {
    }

    /** The length of a column matrix holding the given number of images, checked against the largest Java array. */
    static int columnLength(int c, Window2d win, int images) {
        long len = (long) c * win.kernelH() * win.kernelW() * win.outH() * win.outW() * images;
        if (len > Integer.MAX_VALUE - 8) {
            throw new DeviceException("conv2d: the im2col matrix of " + images + " image(s) would hold " + len
                    + " floats, more than a Java array can hold; use a smaller image or fewer channels");
        }
        return (int) len;
    }

    /**
     * Whether the column matrix of an image is the image itself (a 1x1 kernel, stride 1, no
     * padding, output the size of the input), so the GEMM can read x directly.
     */
    static boolean isIdentity(Window2d win, int h, int w) {
        return win.kernelH() == 1 && win.kernelW() == 1 && win.strideH() == 1 && win.strideW() == 1
                && win.padTop() == 0 && win.padLeft() == 0 && win.outH() == h && win.outW() == w;
    }

    /**
     * Per-thread array number slot (0 or 1) of at least length floats with undefined contents,
     * reused across calls on the same thread (the pool's workers live as long as the backend).
     */
    static float[] scratch(int slot, int length) {
        if (length > CACHE_LIMIT) return new float[length];
        float[][] s = SCRATCH.get();
        if (s[slot].length < length) s[slot] = new float[length];
        return s[slot];
    }

    /**
     * im2col: writes the P columns of one image (zeros for padding) from x[xOff..] into col,
     * starting at column colOff of a matrix whose rows are ld floats apart (several images can
     * share one column matrix side by side).
     */
    static void unfold(Window2d win, int c, int h, int w, float[] x, int xOff, float[] col, int colOff, int ld) {
        walk(false, win, c, h, w, x, xOff, col, colOff, ld);
    }

    /** col2im: adds the P columns of col at colOff (rows ld apart) onto dx[dxOff..]; the caller zeroes dx first. */
    static void fold(Window2d win, int c, int h, int w, float[] col, int colOff, int ld, float[] dx, int dxOff) {
        walk(true, win, c, h, w, dx, dxOff, col, colOff, ld);
    }

    /**
     * The shared index walk. For each column row (ci, ky, kx) the output columns whose cell lies
     * inside the image form one contiguous range [lo, hi) per output row, computed once per kx;
     * everything outside it is padding.
     */
    private static void walk(boolean fold, Window2d win, int c, int h, int w, float[] img, int imgOff,
                             float[] col, int colOff, int ld) {
        int kh = win.kernelH(), kw = win.kernelW(), sh = win.strideH(), sw = win.strideW();
        int oh = win.outH(), ow = win.outW(), pt = win.padTop(), pl = win.padLeft();
        int plane = h * w;
        for (int ci = 0; ci < c; ci++) {
            for (int ky = 0; ky < kh; ky++) {
                for (int kx = 0; kx < kw; kx++) {
                    int row = colOff + ((ci * kh + ky) * kw + kx) * ld;
                    // ox with 0 <= ox*sw - pl + kx < w
                    int lo = Math.min(ow, Math.max(0, Math.ceilDiv(pl - kx, sw)));
                    int hi = Math.max(lo, Math.min(ow, Math.ceilDiv(w + pl - kx, sw)));
                    for (int oy = 0; oy < oh; oy++) {
                        int iy = oy * sh - pt + ky, at = row + oy * ow;
                        if (iy < 0 || iy >= h) {
                            if (!fold) Arrays.fill(col, at, at + ow, 0f);
                            continue;
                        }
                        if (!fold) {
                            Arrays.fill(col, at, at + lo, 0f);
                            Arrays.fill(col, at + hi, at + ow, 0f);
                        }
                        int src = imgOff + ci * plane + iy * w + lo * sw - pl + kx;
                        segment(fold, img, src, sw, col, at + lo, hi - lo);
                    }
                }
            }
        }
    }

    /** Moves len values between img (every stride-th from imgPos) and col (contiguous from colPos). */
    private static void segment(boolean fold, float[] img, int imgPos, int stride, float[] col, int colPos, int len) {
        if (fold && stride == 1) {
            // a loop of its own: with a constant stride C2 can vectorise it
            for (int i = 0; i < len; i++) img[imgPos + i] += col[colPos + i];
        } else if (fold) {
            for (int i = 0; i < len; i++) img[imgPos + i * stride] += col[colPos + i];
        } else if (stride == 1) {
            System.arraycopy(img, imgPos, col, colPos, len);
        } else {
            for (int i = 0; i < len; i++) col[colPos + i] = img[imgPos + i * stride];
        }
    }
}
