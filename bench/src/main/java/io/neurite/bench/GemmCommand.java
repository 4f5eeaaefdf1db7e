package io.neurite.bench;

import io.neurite.device.Buffer;
import io.neurite.device.DType;
import io.neurite.device.Device;
import io.neurite.device.Devices;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * {@code bench gemm --device D --n N [--json FILE] [--seconds S]}: times {@code C = A B} on n x n
 * matrices of seeded uniform [-1, 1] data (GFLOP/s = 2 n^3 / t, median and best over about S
 * seconds after a warm-up, each run including {@code synchronize()}), then checks the last C.
 *
 * <p>Check: a device other than the CPU is compared, element by element, with the CPU device's C;
 * the CPU itself is compared with a double-precision product on {@value #CHECK_ROWS} rows spread
 * over C. The error is {@code max |got - want| / max(1, |want|)}, and the command fails (exit 1)
 * above {@value #TOLERANCE}: float32 accumulation in any order stays near 1e-6 at these sizes
 * (entries are about sqrt(n)/3 in size), so 1e-3 leaves room for any blocking or reduction order
 * while still catching wrong results or reduced precision such as bf16.
 */
final class GemmCommand {
    static final double TOLERANCE = 1e-3;
    static final int CHECK_ROWS = 16;

    private GemmCommand() {
    }

    static int run(List<String> args) {
        Args o = new Args("gemm", args, Set.of("--device", "--n", "--json", "--seconds"), Set.of());
        String id = o.get("--device", "cpu:0");
        int n = o.getInt("--n", 1024);
        double seconds = o.getDouble("--seconds", 3);
        if (n <= 0 || (long) n * n > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("gemm: --n must be in 1..46340, not " + n);
        if (!(seconds > 0)) throw new IllegalArgumentException("gemm: --seconds must be positive");
        float[] a = seeded(1, n * n), b = seeded(2, n * n);

        Product timed;
        String description;
        try (Device d = Devices.get(id)) {
            description = d.description();
            System.out.printf("gemm n=%d on %s (%s)%n", n, d.id(), description);
            timed = multiply(d, n, a, b, seconds);
        }
        double[] times = timed.seconds();
        float[] got = timed.c();
        String against;
        double error;
        if (id.equals("cpu:0") || id.equals("cpu")) {
            against = "double-precision reference on " + Math.min(CHECK_ROWS, n) + " rows";
            error = errorAgainstDouble(n, a, b, got);
        } else {
            against = "cpu:0 (every element)";
            float[] want;
            try (Device cpu = Devices.get("cpu:0")) {
                want = multiply(cpu, n, a, b, 0).c();
            }
            error = maxRelError(got, want);
        }

        double median = Stats.median(times), best = Double.MAX_VALUE;
        for (double t : times) best = Math.min(best, t);
        double flop = 2.0 * n * n * n;
        System.out.printf("median %.1f GFLOP/s (%.3f ms), best %.1f GFLOP/s, %d runs%n",
                flop / median / 1e9, median * 1e3, flop / best / 1e9, times.length);
        System.out.printf("max relative error %.3g against %s (tolerance %.0e)%n", error, against, TOLERANCE);

        if (o.get("--json", null) != null) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("device", id);
            out.put("description", description);
            out.put("n", n);
            out.put("gflops", flop / median / 1e9);
            out.put("gflops_best", flop / best / 1e9);
            out.put("seconds_median", median);
            out.put("runs", times.length);
            out.put("max_rel_error", error);
            out.put("checked_against", against);
            out.put("tolerance", TOLERANCE);
            try {
                OutputFiles.writeJson(o.get("--json", null), out);
            } catch (IOException e) {
                throw new UncheckedIOException("gemm: cannot write " + o.get("--json", null), e);
            }
        }
        if (!(error <= TOLERANCE)) {
            System.err.printf("gemm: FAILED: error %.3g exceeds %.0e%n", error, TOLERANCE);
            return 1;
        }
        return 0;
    }

    /** C, and the seconds of each timed run (empty when untimed). */
    private record Product(float[] c, double[] seconds) {
    }

    /**
     * Uploads A and B, computes C = A B (timed when seconds &gt; 0: warm-up, then repeated runs,
     * each followed by synchronize), and returns C; every buffer is closed again.
     */
    private static Product multiply(Device d, int n, float[] a, float[] b, double seconds) {
        try (Buffer ab = d.upload(a); Buffer bb = d.upload(b); Buffer cb = d.allocate(DType.FLOAT32, (long) n * n)) {
            Runnable once = () -> {
                d.ops().gemm(false, false, n, n, n, 1f, ab, bb, 0f, cb);
                d.synchronize();
            };
            double[] times = new double[0];
            if (seconds > 0) times = Stats.time(once, Math.min(2, Math.max(0.5, seconds / 2)), seconds, 5);
            else once.run();
            return new Product(cb.toFloatArray(), times);
        }
    }

    private static float[] seeded(long seed, int len) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[len];
        for (int i = 0; i < len; i++) v[i] = (float) (2 * r.nextDouble() - 1);
        return v;
    }

    private static double relError(double got, double want) {
        double e = Math.abs(got - want) / Math.max(1, Math.abs(want));
        return Double.isNaN(e) ? Double.POSITIVE_INFINITY : e;
    }

    private static double maxRelError(float[] got, float[] want) {
        double worst = 0;
        for (int i = 0; i < got.length; i++) worst = Math.max(worst, relError(got[i], want[i]));
        return worst;
    }

    /** Compares CHECK_ROWS rows of C, spread from the first to the last, with a double product. */
    private static double errorAgainstDouble(int n, float[] a, float[] b, float[] got) {
        int rows = Math.min(CHECK_ROWS, n);
        double worst = 0;
        double[] row = new double[n];
        for (int r = 0; r < rows; r++) {
            int i = rows == 1 ? 0 : (int) ((long) r * (n - 1) / (rows - 1));
            Arrays.fill(row, 0);
            for (int p = 0; p < n; p++) {
                double aip = a[i * n + p];
                for (int j = 0; j < n; j++) row[j] += aip * b[p * n + j];
            }
            for (int j = 0; j < n; j++) worst = Math.max(worst, relError(got[i * n + j], row[j]));
        }
        return worst;
    }
}
