package io.neurite.conformance;

import io.neurite.device.BatchNormSpec;
import io.neurite.device.Buffer;
import io.neurite.device.Device;
import io.neurite.device.Op;
import java.util.ArrayList;
import java.util.List;

/**
 * Cases for the layers whose parameters are looked up per channel or per token rather than
 * multiplied in: batch normalisation (training and inference, after dense layers with inner 1
 * and after convolutions with inner h*w) and embedding (gather and scatter-add).
 *
 * <p>Batch-norm inputs sit around 4 with a spread of about 1, so a kernel that takes the
 * variance as {@code E[x^2] - E[x]^2} in float loses digits and fails. Embedding ids repeat, so
 * the backward must accumulate collisions, and add to dTable rather than overwrite it.
 */
final class NormCases {
    /** Outputs after a per-channel mean and variance: a couple of roundings around values of O(1). */
    private static final Tolerance NORMALISED = new Tolerance(1e-5, 1e-5);
    /** Sums over a whole channel (up to 50,000 terms), in whatever order a device takes them. */
    private static final Tolerance CHANNEL_SUMS = Tolerance.REDUCTION;
    /** A few colliding rows added per table entry, in any order. */
    private static final Tolerance SCATTER = new Tolerance(1e-5, 1e-5);
    /** [n, c, inner]: dense layers (inner 1), feature maps, and one larger batch of 28x28 maps. */
    private static final int[][] SHAPES = {{1, 1, 1}, {3, 7, 1}, {17, 3, 1}, {129, 33, 1}, {2, 3, 49}, {7, 17, 9},
            {3, 5, 33}, {1, 3, 129}, {16, 8, 784}};
    /** [count, width, vocab]: count above vocab makes ids repeat. */
    private static final int[][] EMBEDDINGS = {{1, 1, 1}, {3, 7, 2}, {7, 3, 5}, {17, 33, 4}, {33, 17, 10}, {129, 1, 7},
            {129, 129, 50}, {1000, 64, 300}};

    private NormCases() {
    }

    static List<OpCase> cases() {
        List<OpCase> all = new ArrayList<>();
        long seed = 900;
        for (int i = 0; i < SHAPES.length; i++) {
            int[] d = SHAPES[i];
            BatchNormSpec spec = i % 2 == 0 ? new BatchNormSpec(d[0], d[1], d[2], 1e-3f, 0.99f)
                    : new BatchNormSpec(d[0], d[1], d[2], 1e-5f, 0.9f);
            BatchNormInputs in = BatchNormInputs.seeded(spec, seed);
            seed += 10;
            all.add(batchNormForward(in, true));
            all.add(batchNormForward(in, false));
            all.add(batchNormBackward(in, Inputs.uniform(seed++, (int) spec.length(), -1, 1)));
        }
        for (int[] e : EMBEDDINGS) {
            int count = e[0], width = e[1], vocab = e[2];
            float[] table = Inputs.uniform(seed++, vocab * width, -1, 1);
            int[] ids = Inputs.ints(seed++, count, vocab);
            all.add(embedding(count, width, vocab, table, ids));
            all.add(embeddingBackward(count, width, vocab, Inputs.uniform(seed++, count * width, -1, 1), ids,
                    Inputs.uniform(seed++, vocab * width, -1, 1)));
        }
        all.add(badId(17, 13, 4242, false));
        all.add(badId(9, 6, -1, true));
        return all;
    }

    static List<GradCase> gradients() {
        List<GradCase> all = new ArrayList<>();
        for (BatchNormSpec spec : new BatchNormSpec[] {new BatchNormSpec(5, 3, 1, 1e-3f, 0.99f), new BatchNormSpec(3, 2, 4, 1e-3f, 0.99f)}) {
            BatchNormInputs in = BatchNormInputs.seeded(spec, 950 + spec.inner());
            double[] dy = Inputs.toDouble(Inputs.uniform(960 + spec.inner(), (int) spec.length(), -1, 1));
            all.add(new GradCase(Op.BATCH_NORM, "x " + shape(spec), Inputs.toDouble(in.x), dy,
                    x -> batchNormRef(spec, true, x, Inputs.toDouble(in.gamma), in)[0],
                    (device, x, dys) -> in.with(x, in.gamma).backward(device, dys)[0], 1e-4));
            all.add(new GradCase(Op.BATCH_NORM, "gamma " + shape(spec), Inputs.toDouble(in.gamma), dy,
                    gamma -> batchNormRef(spec, true, Inputs.toDouble(in.x), gamma, in)[0],
                    (device, gamma, dys) -> in.with(in.x, gamma).backward(device, dys)[1], 1e-4));
        }
        int count = 9, width = 4, vocab = 5;
        int[] ids = Inputs.ints(970, count, vocab);
        all.add(new GradCase(Op.EMBEDDING, "table " + count + "x" + width + " of " + vocab + " rows",
                Inputs.toDouble(Inputs.uniform(971, vocab * width, -1, 1)),
                Inputs.toDouble(Inputs.uniform(972, count * width, -1, 1)),
                table -> gather(count, width, table, ids),
                (device, table, dy) -> {
                    try (Scratch s = new Scratch(device)) {
                        Buffer dTable = s.floats(table.length);
                        device.ops().embeddingBackward(count, width, s.upload(dy), s.upload(ids), dTable);
                        return s.read(dTable);
                    }
                }, 1e-4));
        return all;
    }

    private static String shape(BatchNormSpec s) {
        return "[" + s.n() + ", " + s.c() + ", " + s.inner() + "] eps=" + s.epsilon() + " momentum=" + s.momentum();
    }

    /** One batch-norm problem: x around 4, gamma and beta, and moving statistics an earlier run left. */
    private record BatchNormInputs(BatchNormSpec spec, float[] x, float[] gamma, float[] beta, float[] movingMean,
                                   float[] movingVar) {
        static BatchNormInputs seeded(BatchNormSpec s, long seed) {
            int c = s.c();
            return new BatchNormInputs(s, Inputs.uniform(seed, (int) s.length(), 2, 6), Inputs.uniform(seed + 1, c, 0.5, 1.5),
                    Inputs.uniform(seed + 2, c, -1, 1), Inputs.uniform(seed + 3, c, 3, 5), Inputs.uniform(seed + 4, c, 0.5, 2));
        }

        BatchNormInputs with(float[] newX, float[] newGamma) {
            return new BatchNormInputs(spec, newX, newGamma, beta, movingMean, movingVar);
        }

        /** Runs the forward on a device: y, movingMean, movingVar, and in training savedMean and savedInvStd. */
        float[][] forward(Device device, boolean training) {
            try (Scratch s = new Scratch(device)) {
                Buffer y = s.floats(x.length), mm = s.upload(movingMean), mv = s.upload(movingVar);
                Buffer sm = training ? s.floats(spec.c()) : null, si = training ? s.floats(spec.c()) : null;
                device.ops().batchNormForward(spec, training, s.upload(x), s.upload(gamma), s.upload(beta), y, mm, mv, sm, si);
                return training ? new float[][] {s.read(y), s.read(mm), s.read(mv), s.read(sm), s.read(si)}
                        : new float[][] {s.read(y), s.read(mm), s.read(mv)};
            }
        }

        /** A training forward then the backward of dy: dx, dGamma, dBeta. */
        float[][] backward(Device device, float[] dy) {
            try (Scratch s = new Scratch(device)) {
                Buffer xb = s.upload(x), g = s.upload(gamma), sm = s.floats(spec.c()), si = s.floats(spec.c());
                device.ops().batchNormForward(spec, true, xb, g, s.upload(beta), s.floats(x.length),
                        s.upload(movingMean), s.upload(movingVar), sm, si);
                Buffer dx = s.floats(x.length), dGamma = s.floats(spec.c()), dBeta = s.floats(spec.c());
                device.ops().batchNormBackward(spec, xb, g, s.upload(dy), sm, si, dx, dGamma, dBeta);
                return new float[][] {s.read(dx), s.read(dGamma), s.read(dBeta)};
            }
        }
    }

    private static OpCase batchNormForward(BatchNormInputs in, boolean training) {
        String name = (training ? "training " : "inference ") + shape(in.spec);
        return new OpCase(Op.BATCH_NORM, name, NORMALISED, device -> in.forward(device, training),
                () -> batchNormRef(in.spec, training, Inputs.toDouble(in.x), Inputs.toDouble(in.gamma), in));
    }

    /**
     * Naive forward in double: y, movingMean, movingVar, and in training savedMean and
     * savedInvStd, with x and gamma given separately so gradient checks can vary them.
     */
    private static double[][] batchNormRef(BatchNormSpec s, boolean training, double[] x, double[] gamma, BatchNormInputs in) {
        int c = s.c();
        double[] y = new double[x.length], mm = Inputs.toDouble(in.movingMean), mv = Inputs.toDouble(in.movingVar);
        double[] mean = new double[c], invStd = new double[c];
        for (int ch = 0; ch < c; ch++) {
            double m = 0, v = 0;
            if (training) {
                for (int idx : channel(s, ch)) m += x[idx];
                m /= (double) s.n() * s.inner();
                for (int idx : channel(s, ch)) v += (x[idx] - m) * (x[idx] - m);
                v /= (double) s.n() * s.inner();
                mm[ch] = s.momentum() * mm[ch] + (1 - (double) s.momentum()) * m;
                mv[ch] = s.momentum() * mv[ch] + (1 - (double) s.momentum()) * v;
            } else {
                m = in.movingMean[ch];
                v = in.movingVar[ch];
            }
            mean[ch] = m;
            invStd[ch] = 1 / Math.sqrt(v + s.epsilon());
            for (int idx : channel(s, ch)) y[idx] = gamma[ch] * (x[idx] - m) * invStd[ch] + in.beta[ch];
        }
        return training ? new double[][] {y, mm, mv, mean, invStd} : new double[][] {y, mm, mv};
    }

    /** The flat indices of channel c in [n, c, inner]. */
    private static int[] channel(BatchNormSpec s, int c) {
        int[] idx = new int[s.n() * s.inner()];
        for (int i = 0, k = 0; i < s.n(); i++) {
            for (int j = 0; j < s.inner(); j++) idx[k++] = (i * s.c() + c) * s.inner() + j;
        }
        return idx;
    }

    private static OpCase batchNormBackward(BatchNormInputs in, float[] dy) {
        BatchNormSpec s = in.spec;
        return new OpCase(Op.BATCH_NORM, "backward " + shape(s), CHANNEL_SUMS, device -> in.backward(device, dy), () -> {
            double[][] fwd = batchNormRef(s, true, Inputs.toDouble(in.x), Inputs.toDouble(in.gamma), in);
            double[] mean = fwd[3], invStd = fwd[4];
            double[] dx = new double[in.x.length], dGamma = new double[s.c()], dBeta = new double[s.c()];
            double count = (double) s.n() * s.inner();
            for (int ch = 0; ch < s.c(); ch++) {
                int[] idx = channel(s, ch);
                for (int k : idx) {
                    dBeta[ch] += dy[k];
                    dGamma[ch] += dy[k] * (in.x[k] - mean[ch]) * invStd[ch];
                }
                for (int k : idx) {
                    double xHat = (in.x[k] - mean[ch]) * invStd[ch];
                    dx[k] = in.gamma[ch] * invStd[ch] / count * (count * dy[k] - dBeta[ch] - xHat * dGamma[ch]);
                }
            }
            return new double[][] {dx, dGamma, dBeta};
        });
    }

    private static OpCase embedding(int count, int width, int vocab, float[] table, int[] ids) {
        return new OpCase(Op.EMBEDDING, "gather " + count + "x" + width + " of " + vocab + " rows", Tolerance.EXACT, device -> {
            try (Scratch s = new Scratch(device)) {
                Buffer out = s.floats((long) count * width);
                device.ops().embedding(count, width, s.upload(table), s.upload(ids), out);
                return new float[][] {s.read(out)};
            }
        }, () -> new double[][] {gather(count, width, Inputs.toDouble(table), ids)});
    }

    private static double[] gather(int count, int width, double[] table, int[] ids) {
        double[] out = new double[count * width];
        for (int i = 0; i < count; i++) {
            for (int j = 0; j < width; j++) out[i * width + j] = table[ids[i] * width + j];
        }
        return out;
    }

    /** The backward adds into a dTable that already holds values, as when gradients accumulate. */
    private static OpCase embeddingBackward(int count, int width, int vocab, float[] dOut, int[] ids, float[] dTable0) {
        return new OpCase(Op.EMBEDDING, "scatter-add " + count + "x" + width + " into " + vocab + " rows", SCATTER, device -> {
            try (Scratch s = new Scratch(device)) {
                Buffer dTable = s.upload(dTable0);
                device.ops().embeddingBackward(count, width, s.upload(dOut), s.upload(ids), dTable);
                return new float[][] {s.read(dTable)};
            }
        }, () -> {
            double[] dTable = Inputs.toDouble(dTable0);
            for (int i = 0; i < count; i++) {
                for (int j = 0; j < width; j++) dTable[ids[i] * width + j] += dOut[i * width + j];
            }
            return new double[][] {dTable};
        });
    }

    /** Id {@code id} at position {@code at} of a 10-row table: gather or scatter must refuse it, naming both. */
    private static OpCase badId(int count, int at, int id, boolean backward) {
        int width = 3, vocab = 10;
        int[] ids = Inputs.ints(980 + at, count, vocab);
        ids[at] = id;
        String name = (backward ? "scatter-add" : "gather") + " id " + id + " at position " + at + " of " + vocab + " rows throws";
        return new OpCase(Op.EMBEDDING, name, Tolerance.EXACT, device -> {
            try (Scratch s = new Scratch(device)) {
                Buffer table = s.floats(vocab * width), rows = s.floats((long) count * width), idb = s.upload(ids);
                return LossCases.expectDeviceException(() -> {
                    if (backward) device.ops().embeddingBackward(count, width, rows, idb, table);
                    else device.ops().embedding(count, width, table, idb, rows);
                }, String.valueOf(id), String.valueOf(at));
            }
        }, () -> new double[][] {{1}});
    }
}
