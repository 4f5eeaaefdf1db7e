package io.neurite.cpu;

import io.neurite.device.Conv2dSpec;
import io.neurite.device.Window2d;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Stride-1 convolutions of small images (LeNet's) without an im2col matrix. Each image is copied
 * once into a zero-padded buffer {@code xp[c][hp][wp]} with {@code hp = outH + kh - 1} and
 * {@code wp = outW + kw - 1}. Output cell (oy, ox) then sits at "wide" column
 * {@code j = oy wp + ox}, and tap (ci, ky, kx) of every column reads {@code xp} at
 * {@code j + off[ci, ky, kx]} with {@code off = ci hp wp + ky wp + kx}: the rows of the column
 * matrix are the padded image itself, shifted. Columns with {@code ox >= outW} are computed and
 * dropped (the price: wp / outW more work than im2col), which costs less than building the
 * matrix did (10 floats per copy for a 10x10 output).
 * <ul>
 *   <li>forward: {@code yw[f][j] = sum over taps w[f][tap] xp[j + off[tap]]}, register tiles of
 *   8 filters by 2 vectors of columns ({@link ListedRowsTile#tile}), then the valid columns are copied to y;</li>
 *   <li>backward data: {@code T[tap][j] = sum over f w[f][tap] dyw[f][j]} with the same tile
 *   kernel (dyw is dy laid out on the wide columns, zero elsewhere), then each row of T is added
 *   onto the padded gradient at its tap's offset and the interior copied to dx;</li>
 *   <li>backward filter: {@code dw[f][tap] = sum over images and j of dyw[f][j] xp[j + off[tap]]},
 *   dot products kept as per-lane partial sums across the images ({@link FilterDotTile}), whose lanes
 *   are added in order at the end.</li>
 * </ul>
 * Images are spread over the pool in contiguous runs fixed by the shape and the thread count; the
 * filter gradient adds the runs' partial sums in run order, so results never depend on
 * scheduling. Loaded only when {@link VectorSupport#AVAILABLE}.
 */
final class ConvDirect {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int VL = S.length();
    /** Rows (filters or taps) of a register tile. */
    private static final int MR = ListedRowsTile.MR;
    /** Wide columns of a register tile: two vectors. */
    private static final int NB = 2 * VL;
    /** Rows and taps of a dot-product tile: 4 x 4 vector accumulators. */
    private static final int DT = FilterDotTile.DT;
    /** Taps (c kh kw) above which im2col and the packed GEMM do better. */
    private static final int MAX_TAPS = 1200;
    /** Floats of one padded image above which it no longer stays in L2 and the GEMM path does better. */
    private static final int MAX_PADDED = 1 << 16;
    /** Multiply-adds a task should carry (about 0.5 ms): below that a hand-off to a busy second core costs more than it saves. */
    private static final long MIN_MACS_PER_TASK = 1L << 24;
    /** Floats of padded images and wide dy rows the filter gradient lays out at once (256 KiB, L2-sized). */
    private static final int GROUP_FLOATS = 1 << 16;
    /** Per-thread scratch: padded images, wide rows (y, dy or T), padded gradient or per-lane sums. */
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[3][0]);

    private ConvDirect() {
    }

    /** Whether this class handles the convolution by default: see {@link #fits}. */
    static boolean applies(Conv2dSpec s) {
        return fits(s);
    }

    /** Whether this class can handle the convolution: stride 1 and small enough images and filters. */
    static boolean fits(Conv2dSpec s) {
        Window2d w = s.window();
        if (w.strideH() != 1 || w.strideW() != 1 || w.outH() == 0 || w.outW() == 0 || s.n() == 0) return false;
        Geometry g = new Geometry(s);
        long taps = (long) s.c() * w.kernelH() * w.kernelW(), backTaps = (long) s.filters() * w.kernelH() * w.kernelW();
        return taps <= MAX_TAPS && backTaps <= MAX_TAPS && g.paddedLength <= MAX_PADDED
                && (long) Math.max(s.filters(), MR) * g.wideColumns <= MAX_PADDED;
    }

    static void forward(Conv2dSpec s, float[] x, float[] w, float[] y) {
        Geometry g = new Geometry(s);
        int f = s.filters(), tiles = Math.ceilDiv(f, MR);
        float[] wp = packRows(f, g.taps, (r, q) -> w[r * g.taps + q]);
        int[] off = g.offsets();
        Parallel.forRange(s.n(), g.grain(), (b0, b1) -> {
            float[] xp = scratch(0, g.paddedLength, true), yw = scratch(1, tiles * MR * g.wideColumns, false);
            for (int b = b0; b < b1; b++) {
                g.pad(x, b, xp, 0);
                for (int t = 0; t < tiles; t++) {
                    for (int j0 = 0; j0 < g.wideColumns; j0 += NB) {
                        ListedRowsTile.tile(xp, off, 0, g.taps, 1, j0, wp, t * g.taps * MR, yw, t * MR * g.wideColumns + j0, g.wideColumns, GemmVector.HALVES);
                    }
                }
                g.narrow(yw, f, y, b);
            }
        });
    }

    static void backwardData(Conv2dSpec s, float[] dy, float[] w, float[] dx) {
        Geometry g = new Geometry(s);
        int f = s.filters(), c = s.c(), tiles = Math.ceilDiv(g.taps, MR);
        // A[tap][f] = w[f][tap]: the tile's rows are taps, its sum runs over the filters
        float[] wp = packRows(g.taps, f, (q, ff) -> w[ff * g.taps + q]);
        int[] off = g.offsets(), rows = new int[f];
        for (int ff = 0; ff < f; ff++) rows[ff] = ff * g.wideColumns;
        Parallel.forRange(s.n(), g.grain(), (b0, b1) -> {
            float[] dyw = scratch(0, f * g.wideColumns, true), t = scratch(1, tiles * MR * g.wideColumns, false);
            float[] dxp = scratch(2, g.paddedLength, false);
            for (int b = b0; b < b1; b++) {
                g.widen(dy, b, f, dyw, 0);
                for (int tt = 0; tt < tiles; tt++) {
                    for (int j0 = 0; j0 < g.wideColumns; j0 += NB) {
                        ListedRowsTile.tile(dyw, rows, 0, f, 1, j0, wp, tt * f * MR, t, tt * MR * g.wideColumns + j0, g.wideColumns, GemmVector.HALVES);
                    }
                }
                Arrays.fill(dxp, 0, g.paddedLength, 0f);
                // whole rows: the dropped columns of T are zero (dyw is zero there), and masked stores cost several times more
                for (int q = 0; q < g.taps; q++) addRow(t, q * g.wideColumns, dxp, off[q], g.wideColumns);
                g.crop(dxp, dx, b * c * g.h * g.w);
            }
        });
    }

    /**
     * The images are cut into a fixed number of contiguous runs; each run keeps per-lane partial
     * sums for every (filter, tap) across its images, and the runs are added in order at the end.
     * Within a run, images are laid out a group at a time, so each tile's accumulators stay in
     * registers across the group.
     */
    static void backwardFilter(Conv2dSpec s, float[] x, float[] dy, float[] dw) {
        Geometry g = new Geometry(s);
        int f = s.filters(), fr = roundUp(f, DT), qr = roundUp(g.taps, DT), dyLength = fr * g.wideColumns;
        int[] off = Arrays.copyOf(g.offsets(), qr), rows = new int[fr];
        for (int r = 0; r < fr; r++) rows[r] = r * g.wideColumns;
        int group = (int) Math.max(1, Math.min(s.n(), GROUP_FLOATS / (g.paddedLength + dyLength)));
        int runs = (int) Math.max(1, Math.min(Parallel.THREADS, s.n() / Math.max(1, g.grain())));
        double[][] partial = new double[runs][f * g.taps];
        Parallel.forRange(runs, 1, (r0, r1) -> {
            float[] xs = scratch(0, group * g.paddedLength, true), ds = scratch(1, group * dyLength, true);
            for (int run = r0; run < r1; run++) {
                float[] lanes = scratch(2, fr * qr * VL, true);
                int from = (int) ((long) s.n() * run / runs), to = (int) ((long) s.n() * (run + 1) / runs);
                for (int b = from; b < to; b += group) {
                    int count = Math.min(group, to - b);
                    for (int i = 0; i < count; i++) {
                        g.pad(x, b + i, xs, i * g.paddedLength);
                        g.widen(dy, b + i, f, ds, i * dyLength);
                    }
                    for (int ft = 0; ft < fr; ft += DT) {
                        for (int qt = 0; qt < qr; qt += DT) {
                            FilterDotTile.dots(ds, rows, ft, dyLength, xs, off, qt, g.paddedLength, count, g.wideColumns, lanes, (ft * qr + qt * DT) * VL,
                                    GemmVector.HALVES);
                        }
                    }
                }
                for (int ff = 0; ff < f; ff++) {
                    for (int q = 0; q < g.taps; q++) {
                        int at = ((ff / DT * DT) * qr + (q / DT) * DT * DT + (ff % DT) * DT + q % DT) * VL;
                        double sum = 0;
                        for (int l = 0; l < VL; l++) sum += lanes[at + l];
                        partial[run][ff * g.taps + q] = sum;
                    }
                }
            }
        });
        for (int k = 0; k < f * g.taps; k++) {
            double sum = 0;
            for (double[] part : partial) sum += part[k];
            dw[k] = (float) sum;
        }
    }

    /** {@code dst[d..d+len) += src[s..s+len)}, len a whole number of vectors. */
    private static void addRow(float[] src, int s, float[] dst, int d, int len) {
        for (int j = 0; j < len; j += VL) {
            FloatVector.fromArray(S, dst, d + j).add(FloatVector.fromArray(S, src, s + j)).intoArray(dst, d + j);
        }
    }

    /** Element (row r, column k) of a matrix to pack. */
    @FunctionalInterface
    private interface Element {
        float at(int r, int k);
    }

    /** Packs rows x k into tiles of MR rows, k-major ({@code [tile][k][MR]}); rows past the last are zero. */
    private static float[] packRows(int rows, int k, Element e) {
        int tiles = Math.ceilDiv(rows, MR);
        float[] p = new float[tiles * k * MR];
        for (int r = 0; r < rows; r++) {
            int base = (r / MR) * k * MR + r % MR;
            for (int q = 0; q < k; q++) p[base + q * MR] = e.at(r, q);
        }
        return p;
    }

    private static int roundUp(int n, int unit) {
        return Math.ceilDiv(n, unit) * unit;
    }

    /** Per-thread scratch of at least length floats; zeroed when asked, else undefined contents. */
    private static float[] scratch(int slot, int length, boolean zeroed) {
        float[][] s = SCRATCH.get();
        if (s[slot].length < length) s[slot] = new float[length];
        else if (zeroed) Arrays.fill(s[slot], 0, length, 0f);
        return s[slot];
    }

    /** The sizes of one convolution and the moves between its NCHW tensors and the wide layout. */
    private static final class Geometry {
        final int c, h, w, kh, kw, pt, pl, outH, outW, hp, wp, taps, wideColumns, paddedLength;
        private final long macsPerImage;

        Geometry(Conv2dSpec s) {
            Window2d win = s.window();
            c = s.c();
            h = s.h();
            w = s.w();
            kh = win.kernelH();
            kw = win.kernelW();
            pt = win.padTop();
            pl = win.padLeft();
            outH = win.outH();
            outW = win.outW();
            hp = outH + kh - 1;
            wp = outW + kw - 1;
            taps = c * kh * kw;
            wideColumns = roundUp(outH * wp, NB);
            // reads reach kw - 1 + NB past the last padded plane on the dropped columns
            paddedLength = c * hp * wp + kw + NB;
            macsPerImage = (long) s.filters() * taps * outH * outW;
        }

        /** Images per task. */
        int grain() {
            return (int) Math.max(1, MIN_MACS_PER_TASK / Math.max(1, macsPerImage));
        }

        /** Where each tap reads the padded image, relative to the wide column. */
        int[] offsets() {
            int[] off = new int[taps];
            for (int ci = 0, q = 0; ci < c; ci++) {
                for (int ky = 0; ky < kh; ky++) {
                    for (int kx = 0; kx < kw; kx++) off[q++] = ci * hp * wp + ky * wp + kx;
                }
            }
            return off;
        }

        /** Copies image b of x into the padded buffer at xpOff, whose padding is zero already and stays so. */
        void pad(float[] x, int b, float[] xp, int xpOff) {
            int y0 = Math.max(0, pt), y1 = Math.min(hp, h + pt), x0 = Math.max(0, pl), x1 = Math.min(wp, w + pl);
            if (y1 <= y0 || x1 <= x0) return;
            for (int ci = 0; ci < c; ci++) {
                int src = (b * c + ci) * h * w, dst = xpOff + ci * hp * wp;
                for (int r = y0; r < y1; r++) System.arraycopy(x, src + (r - pt) * w + x0 - pl, xp, dst + r * wp + x0, x1 - x0);
            }
        }

        /** Lays out image b of dy [f][outH][outW] on the wide columns at dywOff; the dropped columns stay zero. */
        void widen(float[] dy, int b, int f, float[] dyw, int dywOff) {
            for (int ff = 0; ff < f; ff++) {
                int src = (b * f + ff) * outH * outW, dst = dywOff + ff * wideColumns;
                for (int oy = 0; oy < outH; oy++) System.arraycopy(dy, src + oy * outW, dyw, dst + oy * wp, outW);
            }
        }

        /** Copies the valid columns of the wide rows yw (f rows) to image b of y [f][outH][outW]. */
        void narrow(float[] yw, int f, float[] y, int b) {
            for (int ff = 0; ff < f; ff++) {
                int src = ff * wideColumns, dst = (b * f + ff) * outH * outW;
                for (int oy = 0; oy < outH; oy++) System.arraycopy(yw, src + oy * wp, y, dst + oy * outW, outW);
            }
        }

        /** Copies the image part of a padded gradient to dx at dxOff; input cells no window reaches get 0. */
        void crop(float[] dxp, float[] dx, int dxOff) {
            for (int ci = 0; ci < c; ci++) {
                for (int iy = 0; iy < h; iy++) {
                    int at = dxOff + (ci * h + iy) * w, r = iy + pt;
                    if (r >= hp) {
                        Arrays.fill(dx, at, at + w, 0f);
                        continue;
                    }
                    int from = Math.min(w, Math.max(0, -pl)), to = Math.max(from, Math.min(w, wp - pl));
                    Arrays.fill(dx, at, at + from, 0f);
                    System.arraycopy(dxp, ci * hp * wp + r * wp + from + pl, dx, at + from, to - from);
                    Arrays.fill(dx, at + to, at + w, 0f);
                }
            }
        }
    }
}
