package io.neurite.bench;

import io.neurite.device.Buffer;
import io.neurite.device.Conv2dSpec;
import io.neurite.device.DType;
import io.neurite.device.Device;
import io.neurite.device.Devices;
import io.neurite.device.Kernels;
import io.neurite.device.Window2d;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * {@code bench conv --device D [--json FILE] [--seconds S] [--batch B]}: the two convolutions of
 * the classic LeNet-5 (as in the PyTorch reference: conv1 1 to 6 channels 5x5 with padding 2 on
 * 28x28, conv2 6 to 16 channels 5x5 valid on 14x14; batch B, default 64) and a ResNet-style
 * 64 to 64 channel 3x3 same on 56x56 (batch 8), and the three larger 3x3 same layers of the
 * VGG-style model (32 to 32 channels on 28x28, 32 to 64 and 64 to 64 on 14x14, batch 2B). For each the forward, backward data and backward
 * filter: median milliseconds and GFLOP/s ({@link Conv2dSpec#flops()} for each of the three
 * passes, which all do the same multiply-adds).
 *
 * <p>Each result is checked twice, as the normwise relative error {@code max|got - want| /
 * max|want|}: against the {@code cpu:0} device (the oracle; a dash when D is cpu:0 itself) and
 * against plain double-precision loops over the definition at 512 sampled elements, which also
 * checks the oracle. An error above {@link #MAX_ERROR} is reported and makes the exit status 1.
 */
final class ConvCommand {
    private static final int SAMPLES = 512;
    /** Normwise relative error above which a result counts as wrong (float32 lands near 1e-7). */
    private static final double MAX_ERROR = 1e-4;
    private static final String[] PASSES = {"forward", "backward data", "backward filter"};

    private ConvCommand() {
    }

    private record Layer(String name, Conv2dSpec spec) {
    }

    /** A pass's output and the seconds of each timed run (empty when not timed). */
    private record Outcome(float[] output, double[] seconds) {
    }

    static int run(List<String> args) {
        Args a = new Args("conv", args, Set.of("--device", "--json", "--seconds", "--batch"), Set.of());
        String id = a.get("--device", "cpu:0");
        double seconds = a.getDouble("--seconds", 1.0);
        int batch = a.getInt("--batch", 64);
        if (batch < 1 || !(seconds > 0)) throw new IllegalArgumentException("conv: --batch and --seconds must be positive");
        List<Layer> layers = List.of(
                new Layer("lenet.conv1", conv(batch, 1, 28, 28, 6, 5, 2)),
                new Layer("lenet.conv2", conv(batch, 6, 14, 14, 16, 5, 0)),
                new Layer("conv3x3.64", conv(8, 64, 56, 56, 64, 3, 1)),
                // bench mnist --model vgg's three larger layers, at its batch of 128
                new Layer("vgg.conv2", conv(2 * batch, 32, 28, 28, 32, 3, 1)),
                new Layer("vgg.conv3", conv(2 * batch, 32, 14, 14, 64, 3, 1)),
                new Layer("vgg.conv4", conv(2 * batch, 64, 14, 14, 64, 3, 1)));
        List<Map<String, Object>> results = new ArrayList<>();
        try (Device device = Devices.get(id)) {
            Device oracle = device.id().equals("cpu:0") ? null : Devices.get("cpu:0");
            try {
                System.out.printf("conv on %s (%s), %.1f s per measurement%n", device.id(), device.description(), seconds);
                System.out.printf("%-12s %-28s %-16s %9s %9s %12s %12s%n",
                        "layer", "shape", "pass", "ms", "GFLOP/s", "err cpu:0", "err double");
                for (Layer l : layers) {
                    for (int pass = 0; pass < PASSES.length; pass++) results.add(measure(device, oracle, l, pass, seconds));
                }
            } finally {
                if (oracle != null) oracle.close();
            }
            if (a.get("--json", null) != null) {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("device", device.id());
                doc.put("description", device.description());
                doc.put("results", results);
                try {
                    OutputFiles.writeJson(a.get("--json", null), doc);
                } catch (IOException e) {
                    throw new UncheckedIOException("conv: cannot write " + a.get("--json", null), e);
                }
            }
        }
        long wrong = results.stream().filter(r -> !((double) r.get("errVsDouble") <= MAX_ERROR)
                || (double) r.get("errVsCpu") > MAX_ERROR).count();
        if (wrong > 0) System.out.printf("%d results differ from the reference by more than %.0e%n", wrong, MAX_ERROR);
        return wrong > 0 ? 1 : 0;
    }

    /** A square-kernel, stride-1 layer with symmetric padding. */
    private static Conv2dSpec conv(int n, int c, int h, int w, int filters, int k, int pad) {
        return new Conv2dSpec(n, c, h, w, filters, Window2d.of(h, w, k, k, 1, 1, pad, pad));
    }

    /** Times one pass of one layer, checks it and prints its row. */
    private static Map<String, Object> measure(Device device, Device oracle, Layer l, int pass, double seconds) {
        Conv2dSpec s = l.spec();
        float[] x = random(1, s.inputLength()), w = random(2, s.filterLength()), dy = random(3, s.outputLength());
        Outcome run = runPass(device, s, pass, x, w, dy, seconds);
        float[] got = run.output();
        double ms = Stats.median(run.seconds()) * 1e3;
        double gflops = s.flops() / (ms * 1e-3) / 1e9;
        double errOracle = oracle == null ? Double.NaN : relError(got, runPass(oracle, s, pass, x, w, dy, 0).output(), null);
        int[] sample = new SplittableRandom(4).ints(SAMPLES, 0, got.length).toArray();
        double[] want = new double[SAMPLES];
        for (int i = 0; i < SAMPLES; i++) want[i] = reference(s, pass, x, w, dy, sample[i]);
        double errDouble = relError(got, want, sample);
        System.out.printf("%-12s %-28s %-16s %9.3f %9.2f %12s %12.2e%n", l.name(), shape(s), PASSES[pass], ms, gflops,
                oracle == null ? "-" : String.format("%.2e", errOracle), errDouble);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("layer", l.name());
        r.put("shape", shape(s));
        r.put("pass", PASSES[pass]);
        r.put("ms", ms);
        r.put("gflops", gflops);
        r.put("errVsCpu", errOracle);
        r.put("errVsDouble", errDouble);
        return r;
    }

    /**
     * Runs one pass on a device and returns its output; with seconds above 0 also times it
     * (each run ends with a synchronize, so asynchronous devices are timed to completion).
     */
    private static Outcome runPass(Device d, Conv2dSpec s, int pass, float[] x, float[] w, float[] dy, double seconds) {
        try (Buffer bx = d.upload(x); Buffer bw = d.upload(w); Buffer bdy = d.upload(dy);
             Buffer out = d.allocate(DType.FLOAT32, pass == 0 ? s.outputLength()
                     : pass == 1 ? s.inputLength() : s.filterLength())) {
            Kernels k = d.ops();
            Runnable body = () -> {
                switch (pass) {
                    case 0 -> k.conv2dForward(s, bx, bw, out);
                    case 1 -> k.conv2dBackwardData(s, bdy, bw, out);
                    default -> k.conv2dBackwardFilter(s, bx, bdy, out);
                }
                d.synchronize();
            };
            double[] times = new double[0];
            if (seconds > 0) times = Stats.time(body, Math.min(1.0, seconds / 3), seconds, 5);
            else body.run();
            return new Outcome(out.toFloatArray(), times);
        }
    }

    /** {@code max |got - want| / max |want|}; with sample, want[i] belongs to got[sample[i]]. */
    private static double relError(float[] got, float[] want, int[] sample) {
        return relError(got, toDouble(want), sample);
    }

    private static double relError(float[] got, double[] want, int[] sample) {
        double diff = 0, scale = 0;
        for (int i = 0; i < want.length; i++) {
            diff = Math.max(diff, Math.abs(got[sample == null ? i : sample[i]] - want[i]));
            scale = Math.max(scale, Math.abs(want[i]));
        }
        return scale == 0 ? diff : diff / scale;
    }

    /**
     * One element of a pass's output from the definition, in double: a y cell sums its window,
     * a dx cell the (filter, kernel cell) pairs whose window covers it, a dw entry every
     * (image, output cell) pair.
     */
    private static double reference(Conv2dSpec s, int pass, float[] x, float[] w, float[] dy, int at) {
        Window2d v = s.window();
        int kh = v.kernelH(), kw = v.kernelW(), oh = v.outH(), ow = v.outW(), h = s.h(), wd = s.w();
        double sum = 0;
        if (pass == 0) {
            int ox = at % ow, oy = at / ow % oh, f = at / (ow * oh) % s.filters(), n = at / (ow * oh * s.filters());
            for (int c = 0; c < s.c(); c++) {
                for (int ky = 0; ky < kh; ky++) {
                    for (int kx = 0; kx < kw; kx++) {
                        int iy = oy * v.strideH() - v.padTop() + ky, ix = ox * v.strideW() - v.padLeft() + kx;
                        if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
                        sum += (double) x[((n * s.c() + c) * h + iy) * wd + ix] * w[((f * s.c() + c) * kh + ky) * kw + kx];
                    }
                }
            }
        } else if (pass == 1) {
            int ix = at % wd, iy = at / wd % h, c = at / (wd * h) % s.c(), n = at / (wd * h * s.c());
            for (int f = 0; f < s.filters(); f++) {
                for (int ky = 0; ky < kh; ky++) {
                    for (int kx = 0; kx < kw; kx++) {
                        int ty = iy + v.padTop() - ky, tx = ix + v.padLeft() - kx;
                        if (ty < 0 || tx < 0 || ty % v.strideH() != 0 || tx % v.strideW() != 0) continue;
                        int oy = ty / v.strideH(), ox = tx / v.strideW();
                        if (oy >= oh || ox >= ow) continue;
                        sum += (double) dy[((n * s.filters() + f) * oh + oy) * ow + ox] * w[((f * s.c() + c) * kh + ky) * kw + kx];
                    }
                }
            }
        } else {
            int kx = at % kw, ky = at / kw % kh, c = at / (kw * kh) % s.c(), f = at / (kw * kh * s.c());
            for (int n = 0; n < s.n(); n++) {
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        int iy = oy * v.strideH() - v.padTop() + ky, ix = ox * v.strideW() - v.padLeft() + kx;
                        if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
                        sum += (double) dy[((n * s.filters() + f) * oh + oy) * ow + ox] * x[((n * s.c() + c) * h + iy) * wd + ix];
                    }
                }
            }
        }
        return sum;
    }

    private static String shape(Conv2dSpec s) {
        Window2d v = s.window();
        return s.n() + "x" + s.c() + "x" + s.h() + "x" + s.w() + " " + s.c() + "->" + s.filters() + " " + v.kernelH() + "x"
                + v.kernelW() + " p" + v.padTop();
    }

    private static float[] random(long seed, long n) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[(int) n];
        for (int i = 0; i < v.length; i++) v[i] = (float) (r.nextDouble() * 2 - 1);
        return v;
    }

    private static double[] toDouble(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) d[i] = v[i];
        return d;
    }
}
