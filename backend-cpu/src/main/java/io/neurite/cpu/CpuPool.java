package io.neurite.cpu;

import io.neurite.device.DeviceException;
import io.neurite.device.Pool2dSpec;
import io.neurite.device.Window2d;
import java.util.Arrays;

/**
 * Max and average pooling on NCHW images. Each window is clipped to the image first, so padded
 * cells never win a max and never count towards an average (Keras' convention, see
 * {@link Pool2dSpec}). Work is spread over the (image, channel) planes; a plane's windows only
 * read and write that plane, so the backward passes, which accumulate because windows may
 * overlap, need no locks.
 *
 * <p>A max ties to the first cell of the window in row-major order; NaN beats every number, so a
 * NaN in a window propagates. A window that lies entirely in the padding has no value, so such a
 * spec is refused.
 */
final class CpuPool {
    /** Window cells per task below which another thread is not worth its hand-off (see {@link CpuElementwise#GRAIN}). */
    private static final long MIN_CELLS_PER_TASK = 1 << 18;

    private CpuPool() {
    }

    static void maxForward(Pool2dSpec s, float[] x, float[] y, int[] indices) {
        if (insideImage(s.window(), s.h(), s.w())) {
            maxForwardInside(s, x, y, indices);
            return;
        }
        planes(s, (plane, win, g) -> {
            for (int oy = 0, o = plane * g.outPlane; oy < win.outH(); oy++) {
                int y0 = g.rowStart(oy), y1 = g.rowEnd(oy);
                for (int ox = 0; ox < win.outW(); ox++, o++) {
                    int x0 = g.colStart(ox), x1 = g.colEnd(ox);
                    int best = windowArgmax(x, plane * g.inPlane + y0 * s.w() + x0, y1 - y0, x1 - x0, s.w());
                    y[o] = x[best];
                    if (indices != null) indices[o] = best;
                }
            }
        });
    }

    /**
     * Where the maximum of a rows x cols window starting at x[first] (rows w apart) is: the first
     * of equal maxima in row-major order, and the first NaN if there is one (a NaN input gives a
     * NaN output, as in PyTorch).
     */
    private static int windowArgmax(float[] x, int first, int rows, int cols, int w) {
        int best = first;
        float bv = x[best];
        for (int r = 0; r < rows; r++) {
            for (int at = first + r * w, end = at + cols; at < end; at++) {
                float v = x[at];
                if (v > bv || (v != v && bv == bv)) {
                    bv = v;
                    best = at;
                }
            }
        }
        return best;
    }

    /** Whether every window lies inside the image, so none needs clipping (no padding, none running past the edge). */
    private static boolean insideImage(Window2d win, int h, int w) {
        return win.padTop() == 0 && win.padLeft() == 0 && win.outH() > 0 && win.outW() > 0
                && (long) (win.outH() - 1) * win.strideH() + win.kernelH() <= h
                && (long) (win.outW() - 1) * win.strideW() + win.kernelW() <= w;
    }

    /**
     * {@link #maxForward} where no window needs clipping (LeNet's 2x2 stride-2 pooling), with the
     * window arithmetic out of the inner loops; branch-free on vectors where the Vector API is
     * present ({@link PoolVector}).
     */
    private static void maxForwardInside(Pool2dSpec s, float[] x, float[] y, int[] indices) {
        Window2d win = s.window();
        int kh = win.kernelH(), kw = win.kernelW(), sh = win.strideH(), sw = win.strideW(), oh = win.outH(), ow = win.outW();
        int w = s.w(), inPlane = s.h() * w, outPlane = oh * ow;
        int grain = (int) Math.max(1, MIN_CELLS_PER_TASK / Math.max(1, (long) outPlane * kh * kw));
        int[] firstCells = VectorSupport.AVAILABLE ? PoolVector.firstCells(win, w) : null;
        Parallel.forRange(s.n() * s.c(), grain, (from, to) -> {
            if (firstCells != null) {
                PoolVector.maxForward(s, x, y, indices, from, to, firstCells);
                return;
            }
            for (int plane = from; plane < to; plane++) {
                for (int oy = 0, o = plane * outPlane; oy < oh; oy++) {
                    int row = plane * inPlane + oy * sh * w;
                    for (int ox = 0; ox < ow; ox++, o++) {
                        int best = windowArgmax(x, row + ox * sw, kh, kw, w);
                        y[o] = x[best];
                        if (indices != null) indices[o] = best;
                    }
                }
            }
        });
    }

    static void maxBackward(Pool2dSpec s, float[] dy, int[] indices, float[] dx) {
        planes(s, (plane, win, g) -> {
            int lo = plane * g.inPlane, hi = lo + g.inPlane;
            Arrays.fill(dx, lo, hi, 0f);
            for (int o = plane * g.outPlane, end = o + g.outPlane; o < end; o++) {
                int at = indices[o];
                if (at < lo || at >= hi) {
                    throw new DeviceException("MAX_POOL2D backward: index " + at + " at output " + o
                            + " lies outside its plane [" + lo + ", " + hi + ") of the input; indices must come "
                            + "from maxPool2dForward with the same spec");
                }
                dx[at] += dy[o];
            }
        });
    }

    static void avgForward(Pool2dSpec s, float[] x, float[] y) {
        planes(s, (plane, win, g) -> {
            for (int oy = 0, o = plane * g.outPlane; oy < win.outH(); oy++) {
                int y0 = g.rowStart(oy), y1 = g.rowEnd(oy);
                for (int ox = 0; ox < win.outW(); ox++, o++) {
                    int x0 = g.colStart(ox), x1 = g.colEnd(ox);
                    float sum = 0;
                    for (int iy = y0; iy < y1; iy++) {
                        for (int at = plane * g.inPlane + iy * s.w() + x0, e = at + x1 - x0; at < e; at++) sum += x[at];
                    }
                    y[o] = sum / ((y1 - y0) * (x1 - x0));
                }
            }
        });
    }

    static void avgBackward(Pool2dSpec s, float[] dy, float[] dx) {
        planes(s, (plane, win, g) -> {
            Arrays.fill(dx, plane * g.inPlane, (plane + 1) * g.inPlane, 0f);
            for (int oy = 0, o = plane * g.outPlane; oy < win.outH(); oy++) {
                int y0 = g.rowStart(oy), y1 = g.rowEnd(oy);
                for (int ox = 0; ox < win.outW(); ox++, o++) {
                    int x0 = g.colStart(ox), x1 = g.colEnd(ox);
                    float share = dy[o] / ((y1 - y0) * (x1 - x0));
                    for (int iy = y0; iy < y1; iy++) {
                        for (int at = plane * g.inPlane + iy * s.w() + x0, e = at + x1 - x0; at < e; at++) dx[at] += share;
                    }
                }
            }
        });
    }

    /** A body over one (image, channel) plane. */
    @FunctionalInterface
    private interface PlaneBody {
        void run(int plane, Window2d win, Geometry g);
    }

    /** Checks the spec, then runs body over every plane, spread over the pool. */
    private static void planes(Pool2dSpec s, PlaneBody body) {
        Geometry g = new Geometry(s);
        long cellsPerPlane = Math.max(1, (long) g.outPlane * s.window().kernelH() * s.window().kernelW());
        int grain = (int) Math.max(1, MIN_CELLS_PER_TASK / cellsPerPlane);
        Parallel.forRange(s.n() * s.c(), grain, (from, to) -> {
            for (int plane = from; plane < to; plane++) body.run(plane, s.window(), g);
        });
    }

    /** A window's extent clipped to the image, per axis. */
    private static final class Geometry {
        final int inPlane, outPlane;
        private final Window2d win;
        private final int h, w;

        Geometry(Pool2dSpec s) {
            win = s.window();
            h = s.h();
            w = s.w();
            inPlane = h * w;
            outPlane = win.outH() * win.outW();
            // windows slide monotonically, so if the first and last of an axis reach the image, all do
            if (win.outH() > 0 && win.outW() > 0
                    && (rowEnd(0) <= rowStart(0) || rowEnd(win.outH() - 1) <= rowStart(win.outH() - 1)
                    || colEnd(0) <= colStart(0) || colEnd(win.outW() - 1) <= colStart(win.outW() - 1))) {
                throw new DeviceException("pool2d: " + win + " on a " + h + "x" + w + " image has a window that "
                        + "covers only padding (padding must be smaller than the kernel and the output must not "
                        + "run past the padded image)");
            }
        }

        int rowStart(int oy) {
            return Math.max(0, oy * win.strideH() - win.padTop());
        }

        int rowEnd(int oy) {
            return Math.min(h, oy * win.strideH() - win.padTop() + win.kernelH());
        }

        int colStart(int ox) {
            return Math.max(0, ox * win.strideW() - win.padLeft());
        }

        int colEnd(int ox) {
            return Math.min(w, ox * win.strideW() - win.padLeft() + win.kernelW());
        }
    }
}
