package io.neurite.conformance;

import io.neurite.device.Broadcast;
import io.neurite.device.Buffer;
import io.neurite.device.CounterRandom;
import io.neurite.device.Device;
import io.neurite.device.Op;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Cases for the elementwise family: broadcast binary ops, SCALE, AXPY, FILL, the reductions,
 * BIAS_GRADIENT, strided COPY and DROPOUT. Sizes visit {@link Inputs#AWKWARD} and one length
 * past the CPU backend's parallel grain (32K elements). Tolerances: one rounding per element is
 * {@link Tolerance#ELEMENTWISE}; sums of up to 100K terms are {@link Tolerance#REDUCTION};
 * copies, fills, MAX and dropout (float-rounded in the reference) are exact.
 */
final class ElementwiseCases {
    /** Past the CPU backend's parallel grain, so its threaded paths run too. */
    static final int LARGE = 100_003;
    private static final Op[] BINARY = {Op.ADD, Op.SUBTRACT, Op.MULTIPLY, Op.DIVIDE};

    private ElementwiseCases() {
    }

    static List<OpCase> cases() {
        List<OpCase> all = new ArrayList<>();
        binaryCases(all);
        vectorCases(all);
        reduceCases(all);
        copyCases(all);
        return all;
    }

    static List<GradCase> gradients() {
        return List.of(biasGradient(2, 3, 5), biasGradient(4, 7, 1));
    }

    // ---- binary ops -------------------------------------------------------------------------

    private static void binaryCases(List<OpCase> all) {
        List<int[][]> shapes = new ArrayList<>();
        for (int n : Inputs.AWKWARD) shapes.add(new int[][] {{n}, {n}});
        shapes.add(new int[][] {{LARGE}, {LARGE}});
        shapes.add(new int[][] {{33, 17}, {17}});            // bias over the rows of a dense layer
        shapes.add(new int[][] {{3, 7, 17}, {7, 1}});        // bias over channels [n, c, h*w]
        shapes.add(new int[][] {{7, 1}, {3, 7, 17}});        // the same with the bias on the left
        shapes.add(new int[][] {{2, 6, 5, 7}, {1, 6, 1, 1}}); // NCHW bias as layers pass it
        shapes.add(new int[][] {{129}, {1}});                // a scalar
        shapes.add(new int[][] {{1}, {7, 3}});               // a scalar on the left
        shapes.add(new int[][] {{3, 1}, {1, 4}});            // both sides broadcast
        shapes.add(new int[][] {{7, 1, 3}, {5, 1}});         // both, unequal ranks
        shapes.add(new int[][] {{17, 1}, {17, 129}});        // a column on the left, the transposed bias
        shapes.add(new int[][] {{64, 6, 24, 24}, {1, 6, 1, 1}}); // the parallel broadcast path
        for (Op op : BINARY) {
            for (int[][] s : shapes) all.add(binary(op, s[0], s[1], false));
            all.add(binary(op, new int[] {33}, new int[] {33}, true));
            // An empty output, with its strides spelt out: Broadcast.of takes a 0 against a 1 as 1.
            all.add(binary(op, new int[] {0, 3}, new int[] {3}, new Broadcast(new int[] {0, 3}, new int[] {3, 1},
                    new int[] {0, 1}), false));
        }
        all.add(binary(Op.ADD, new int[] {9, 17}, new int[] {17}, true));
        for (Op op : BINARY) all.add(binaryEdgeValues(op));
    }

    private static float[] operand(Op op, long seed, int n, boolean divisor) {
        // Divisors stay away from zero, where float and double quotients part ways.
        return divisor && op == Op.DIVIDE ? awayFromZero(seed, n) : Inputs.uniform(seed, n, -2, 2);
    }

    static float[] awayFromZero(long seed, int n) {
        float[] v = Inputs.uniform(seed, n, 0.25, 2);
        for (int i = 0; i < n; i += 2) v[i] = -v[i];
        return v;
    }

    /** out = a op b with a's and b's shapes broadcast; inPlace writes the output over a. */
    private static OpCase binary(Op op, int[] sa, int[] sb, boolean inPlace) {
        return binary(op, sa, sb, Broadcast.of(sa, sb), inPlace);
    }

    private static OpCase binary(Op op, int[] sa, int[] sb, Broadcast bc, boolean inPlace) {
        float[] a = operand(op, 11, size(sa), false), b = operand(op, 12, size(sb), true);
        String name = Arrays.toString(sa) + " " + Arrays.toString(sb) + (inPlace ? " in place" : "");
        return new OpCase(op, name, Tolerance.ELEMENTWISE, d -> {
            try (Scratch s = new Scratch(d)) {
                Buffer ba = s.upload(a), bb = s.upload(b), out = inPlace ? ba : s.floats(bc.length());
                d.ops().binary(op, ba, bb, out, bc);
                return new float[][] {s.read(out)};
            }
        }, () -> new double[][] {naiveBinary(op, a, sa, b, sb, bc.shape())});
    }

    /** Zeros of both signs, large magnitudes and their overflow, as IEEE float arithmetic gives them. */
    private static OpCase binaryEdgeValues(Op op) {
        float[] a = {0f, -0f, 0f, -0f, 3e38f, -3e38f, 1e-30f, 1e30f, 1f, -1f, 7f};
        float[] b = {0f, 0f, -0f, -0f, 3e38f, 3e38f, 1e30f, 1e-30f, 3f, 3f, -0f};
        return new OpCase(op, "edge values", Tolerance.ELEMENTWISE, d -> {
            try (Scratch s = new Scratch(d)) {
                Buffer ba = s.upload(a), out = s.floats(a.length);
                d.ops().binary(op, ba, s.upload(b), out, Broadcast.same(a.length));
                return new float[][] {s.read(out)};
            }
        }, () -> { // rounded to float, so overflow to infinity happens at float's range
            double[] want = naiveBinary(op, a, new int[] {a.length}, b, new int[] {b.length}, new int[] {a.length});
            for (int i = 0; i < want.length; i++) want[i] = (float) want[i];
            return new double[][] {want};
        });
    }

    static int size(int[] shape) {
        int n = 1;
        for (int d : shape) n *= d;
        return n;
    }

    /** Numpy broadcasting by index arithmetic on the right-aligned shapes. */
    static double[] naiveBinary(Op op, float[] a, int[] sa, float[] b, int[] sb, int[] shape) {
        double[] out = new double[size(shape)];
        int[] index = new int[shape.length];
        for (int flat = 0; flat < out.length; flat++) {
            int rest = flat;
            for (int axis = shape.length - 1; axis >= 0; axis--) {
                index[axis] = rest % shape[axis];
                rest /= shape[axis];
            }
            double x = a[broadcastIndex(index, sa)], y = b[broadcastIndex(index, sb)];
            out[flat] = switch (op) {
                case ADD -> x + y;
                case SUBTRACT -> x - y;
                case MULTIPLY -> x * y;
                case DIVIDE -> x / y;
                default -> throw new IllegalArgumentException(op.toString());
            };
        }
        return out;
    }

    private static int broadcastIndex(int[] index, int[] shape) {
        int flat = 0, lead = index.length - shape.length;
        for (int axis = 0; axis < shape.length; axis++) {
            flat = flat * shape[axis] + (shape[axis] == 1 ? 0 : index[lead + axis]);
        }
        return flat;
    }

    // ---- SCALE, AXPY, FILL, DROPOUT ---------------------------------------------------------

    private static void vectorCases(List<OpCase> all) {
        for (int n : sizes()) {
            all.add(scale(n, 0.75f, false));
            all.add(axpy(n, -1.5f));
            all.add(dropout(n, 0.3f, 42L + n));
        }
        all.add(scale(0, 2f, false));
        all.add(scale(129, -3f, true));
        all.add(axpy(0, 1f));
        all.add(dropout(0, 0.5f, 1));
        all.add(dropout(129, 0f, 7));
        all.add(dropout(1000, 0.9f, 0x1234_5678_9ABCL));
        for (float value : new float[] {0f, -0f, 2.5f, -1e30f}) all.add(fill(129, value, false));
        all.add(fill(LARGE, 1.25f, false));
        all.add(fill(0, 3f, false));
        all.add(fill(33, 7f, true));
    }

    private static int[] sizes() {
        int[] s = Arrays.copyOf(Inputs.AWKWARD, Inputs.AWKWARD.length + 1);
        s[s.length - 1] = LARGE;
        return s;
    }

    private static OpCase scale(int n, float alpha, boolean inPlace) {
        float[] x = Inputs.uniform(21, n, -3, 3);
        return new OpCase(Op.SCALE, "n=" + n + " alpha=" + alpha + (inPlace ? " in place" : ""), Tolerance.ELEMENTWISE, d -> {
            try (Scratch s = new Scratch(d)) {
                Buffer bx = s.upload(x), by = inPlace ? bx : s.floats(n);
                d.ops().scale(n, alpha, bx, by);
                return new float[][] {s.read(by)};
            }
        }, () -> {
            double[] y = new double[n];
            for (int i = 0; i < n; i++) y[i] = (double) alpha * x[i];
            return new double[][] {y};
        });
    }

    private static OpCase axpy(int n, float alpha) {
        float[] x = Inputs.uniform(22, n, -3, 3), y0 = Inputs.uniform(23, n, -3, 3);
        return new OpCase(Op.AXPY, "n=" + n + " alpha=" + alpha, Tolerance.ELEMENTWISE, d -> {
            try (Scratch s = new Scratch(d)) {
                Buffer bx = s.upload(x), by = s.upload(y0);
                d.ops().axpy(n, alpha, bx, by);
                return new float[][] {s.read(by)};
            }
        }, () -> {
            double[] y = new double[n];
            for (int i = 0; i < n; i++) y[i] = y0[i] + (double) alpha * x[i];
            return new double[][] {y};
        });
    }

    /** FILL over a float32 buffer, or an int32 one, which gets the value converted to int. */
    private static OpCase fill(int n, float value, boolean ints) {
        return new OpCase(Op.FILL, (ints ? "int32" : "float32") + " n=" + n + " value=" + value, Tolerance.EXACT, d -> {
            try (Scratch s = new Scratch(d)) {
                Buffer x = ints ? s.upload(Inputs.ints(25, n, 100)) : s.upload(Inputs.uniform(24, n, -1, 1));
                d.ops().fill(x, value);
                return new float[][] {s.read(x)};
            }
        }, () -> {
            double[] y = new double[n];
            Arrays.fill(y, ints ? (int) value : value);
            return new double[][] {y};
        });
    }

    /** The reference draws the same counter-based mask and rounds the product to float, so the case is exact. */
    private static OpCase dropout(int n, float rate, long seed) {
        float[] x = Inputs.uniform(26, n, -2, 2);
        return new OpCase(Op.DROPOUT, "n=" + n + " rate=" + rate + " seed=" + seed, Tolerance.EXACT, d -> {
            try (Scratch s = new Scratch(d)) {
                Buffer bx = s.upload(x), mask = s.floats(n), y = s.floats(n);
                d.ops().dropout(n, rate, seed, bx, mask, y);
                return new float[][] {s.read(mask), s.read(y)};
            }
        }, () -> {
            double keep = 1f / (1f - rate);
            double[][] want = new double[2][n];
            for (int i = 0; i < n; i++) {
                want[0][i] = CounterRandom.uniform(seed, i) >= rate ? keep : 0;
                want[1][i] = (float) (x[i] * want[0][i]);
            }
            return want;
        });
    }

    // ---- reductions -------------------------------------------------------------------------

    private static void reduceCases(List<OpCase> all) {
        int[][] shapes = {{1, 1, 1}, {1, 129, 1}, {3, 17, 1}, {1, 7, 33}, {3, 33, 7}, {17, 3, 129},
                {2, 1, 3}, {1, LARGE, 1}, {1, 2000, 40}, {1, 1000, 600}, {4, 1000, 17}, {1000, 129, 1}, {0, 5, 3}, {3, 5, 0}};
        for (Op op : new Op[] {Op.SUM, Op.MEAN, Op.MAX}) {
            for (int[] s : shapes) all.add(reduce(op, s[0], s[1], s[2]));
        }
        all.add(reduce(Op.SUM, 3, 0, 7));
        for (int[] s : new int[][] {{1, 1, 1}, {3, 7, 17}, {33, 17, 1}, {2, 3, 129}, {64, 6, 576}, {1, 129, 1},
                {0, 3, 5}, {3, 5, 0}}) {
            all.add(biasGradientCase(s[0], s[1], s[2]));
        }
    }

    private static OpCase reduce(Op op, int outer, int axis, int inner) {
        float[] x = Inputs.uniform(31, outer * axis * inner, -1, 1);
        Tolerance tol = op == Op.MAX ? Tolerance.EXACT : Tolerance.REDUCTION;
        return new OpCase(op, "[" + outer + ", " + axis + ", " + inner + "]", tol, d -> {
            try (Scratch s = new Scratch(d)) {
                Buffer bx = s.upload(x), y = s.upload(Inputs.uniform(32, outer * inner, 5, 6)); // overwritten
                d.ops().reduce(op, outer, axis, inner, bx, y);
                return new float[][] {s.read(y)};
            }
        }, () -> {
            double[] y = new double[outer * inner];
            for (int o = 0; o < outer; o++) {
                for (int j = 0; j < inner; j++) {
                    double acc = op == Op.MAX ? Double.NEGATIVE_INFINITY : 0;
                    for (int a = 0; a < axis; a++) {
                        double v = x[(o * axis + a) * inner + j];
                        acc = op == Op.MAX ? Math.max(acc, v) : acc + v;
                    }
                    y[o * inner + j] = op == Op.MEAN ? acc / axis : acc;
                }
            }
            return new double[][] {y};
        });
    }

    private static OpCase biasGradientCase(int outer, int channels, int inner) {
        float[] dy = Inputs.uniform(33, outer * channels * inner, -1, 1);
        return new OpCase(Op.BIAS_GRADIENT, "[" + outer + ", " + channels + ", " + inner + "]", Tolerance.REDUCTION, d -> {
            try (Scratch s = new Scratch(d)) {
                Buffer bdy = s.upload(dy), db = s.upload(Inputs.uniform(34, channels, 5, 6)); // overwritten
                d.ops().biasGradient(outer, channels, inner, bdy, db);
                return new float[][] {s.read(db)};
            }
        }, () -> new double[][] {naiveBiasGradient(outer, channels, inner, Inputs.toDouble(dy))});
    }

    static double[] naiveBiasGradient(int outer, int channels, int inner, double[] dy) {
        double[] db = new double[channels];
        for (int o = 0; o < outer; o++) {
            for (int c = 0; c < channels; c++) {
                for (int i = 0; i < inner; i++) db[c] += dy[(o * channels + c) * inner + i];
            }
        }
        return db;
    }

    /** out = x + bias broadcast over channels of [outer, channels, inner]; d/dbias is BIAS_GRADIENT of dy. */
    private static GradCase biasGradient(int outer, int channels, int inner) {
        int n = outer * channels * inner;
        double[] x = Inputs.toDouble(Inputs.uniform(35, n, -1, 1));
        double[] bias = Inputs.toDouble(Inputs.uniform(36, channels, -1, 1));
        double[] dy = Inputs.toDouble(Inputs.uniform(37, n, -1, 1));
        return new GradCase(Op.BIAS_GRADIENT, "bias [" + outer + ", " + channels + ", " + inner + "]", bias, dy, b -> {
            double[] out = new double[n];
            for (int k = 0; k < n; k++) out[k] = x[k] + b[k / inner % channels];
            return out;
        }, (Device d, float[] b, float[] g) -> {
            try (Scratch s = new Scratch(d)) {
                Buffer bdy = s.upload(g), db = s.floats(channels);
                d.ops().biasGradient(outer, channels, inner, bdy, db);
                return s.read(db);
            }
        }, 1e-4);
    }

    // ---- COPY -------------------------------------------------------------------------------

    /** One strided copy between the case's buffers, as {@link io.neurite.device.Kernels#copy} takes it. */
    private record Copy(int from, int to, int[] shape, int srcOffset, int[] srcStrides, int dstOffset, int[] dstStrides) {
    }

    private static void copyCases(List<OpCase> all) {
        for (int[] rc : new int[][] {{1, 1}, {3, 7}, {17, 33}, {129, 3}, {300, 401}}) {
            int r = rc[0], c = rc[1];
            all.add(copy("transpose " + r + "x" + c, false, new int[] {r * c, r * c},
                    new Copy(0, 1, new int[] {c, r}, 0, new int[] {1, c}, 0, new int[] {r, 1})));
        }
        all.add(copy("int32 transpose 17x33", true, new int[] {561, 561},
                new Copy(0, 1, new int[] {33, 17}, 0, new int[] {1, 33}, 0, new int[] {17, 1})));
        for (int[] s : new int[][] {{2, 3, 5, 7}, {1, 5, 5, 1}, {4, 17, 3, 16}}) {
            int n = s[0], h = s[1], w = s[2], c = s[3], len = n * h * w * c;
            all.add(copy("NHWC to NCHW " + Arrays.toString(s), false, new int[] {len, len},
                    new Copy(0, 1, new int[] {n, c, h, w}, 0, new int[] {h * w * c, 1, w * c, c}, 0,
                            new int[] {c * h * w, h * w, w, 1})));
            all.add(copy("NCHW to NHWC " + Arrays.toString(s), false, new int[] {len, len},
                    new Copy(0, 1, new int[] {n, c, h, w}, 0, new int[] {c * h * w, h * w, w, 1}, 0,
                            new int[] {h * w * c, 1, w * c, c})));
        }
        for (int[] s : new int[][] {{2, 3, 4, 35}, {5, 1, 7, 9}, {3, 64, 64, 100}}) {
            all.add(concat(s[0], s[1], s[2], s[3], false));
            all.add(concat(s[0], s[1], s[2], s[3], true));
        }
        all.add(copy("int32 split [3, 7+1, 5]", true, new int[] {120, 105, 15},
                new Copy(0, 1, new int[] {3, 7, 5}, 0, new int[] {40, 5, 1}, 0, new int[] {35, 5, 1}),
                new Copy(0, 2, new int[] {3, 1, 5}, 35, new int[] {40, 5, 1}, 0, new int[] {5, 5, 1})));
        all.add(copy("offsets inside both buffers", false, new int[] {50, 60},
                new Copy(0, 1, new int[] {3, 4}, 7, new int[] {10, 2}, 11, new int[] {12, 1})));
        all.add(copy("one element", false, new int[] {5, 5}, new Copy(0, 1, new int[] {}, 3, new int[] {}, 4, new int[] {})));
        all.add(copy("empty block", false, new int[] {5, 5},
                new Copy(0, 1, new int[] {0, 5}, 0, new int[] {5, 1}, 0, new int[] {5, 1})));
    }

    /**
     * Concatenation along channels of a [n, c1, hw] and b [n, c2, hw] into [n, c1+c2, hw] (two
     * copies into offsets), or with split the same layouts the other way round.
     */
    private static OpCase concat(int n, int c1, int c2, int hw, boolean split) {
        int c = c1 + c2;
        int[] whole = {c * hw, hw, 1};
        Copy first = new Copy(0, 2, new int[] {n, c1, hw}, 0, new int[] {c1 * hw, hw, 1}, 0, whole);
        Copy second = new Copy(1, 2, new int[] {n, c2, hw}, 0, new int[] {c2 * hw, hw, 1}, c1 * hw, whole);
        String shapes = "[" + n + ", " + c1 + "+" + c2 + ", " + hw + "]";
        if (!split) return copy("concat " + shapes, false, new int[] {n * c1 * hw, n * c2 * hw, n * c * hw}, first, second);
        return copy("split " + shapes, false, new int[] {n * c1 * hw, n * c2 * hw, n * c * hw},
                new Copy(2, 0, first.shape, 0, whole, 0, first.srcStrides),
                new Copy(2, 1, second.shape, c1 * hw, whole, 0, second.srcStrides));
    }

    /** Buffers of the given lengths start with seeded data; the copies run in order; every buffer is an output. */
    private static OpCase copy(String name, boolean ints, int[] lengths, Copy... copies) {
        double[][] start = new double[lengths.length][];
        for (int k = 0; k < lengths.length; k++) {
            start[k] = ints ? Inputs.toDouble(Inputs.ints(40 + k, lengths[k], 1 << 24))
                    : Inputs.toDouble(Inputs.uniform(40 + k, lengths[k], -1, 1));
        }
        return new OpCase(Op.COPY, name, Tolerance.EXACT, d -> {
            try (Scratch s = new Scratch(d)) {
                Buffer[] bufs = new Buffer[lengths.length];
                for (int k = 0; k < lengths.length; k++) {
                    bufs[k] = ints ? s.upload(Inputs.ints(40 + k, lengths[k], 1 << 24)) : s.upload(Inputs.toFloat(start[k]));
                }
                for (Copy c : copies) {
                    d.ops().copy(c.shape, bufs[c.from], c.srcOffset, c.srcStrides, bufs[c.to], c.dstOffset, c.dstStrides);
                }
                float[][] out = new float[lengths.length][];
                for (int k = 0; k < lengths.length; k++) out[k] = s.read(bufs[k]);
                return out;
            }
        }, () -> {
            double[][] bufs = new double[lengths.length][];
            for (int k = 0; k < lengths.length; k++) bufs[k] = start[k].clone();
            for (Copy c : copies) {
                int[] index = new int[c.shape.length];
                for (int flat = 0; flat < size(c.shape); flat++) {
                    int rest = flat, src = c.srcOffset, dst = c.dstOffset;
                    for (int axis = c.shape.length - 1; axis >= 0; axis--) {
                        index[axis] = rest % c.shape[axis];
                        rest /= c.shape[axis];
                        src += index[axis] * c.srcStrides[axis];
                        dst += index[axis] * c.dstStrides[axis];
                    }
                    bufs[c.to][dst] = bufs[c.from][src];
                }
            }
            return bufs;
        });
    }
}
