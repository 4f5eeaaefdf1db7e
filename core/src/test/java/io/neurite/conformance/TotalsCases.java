package io.neurite.conformance;

import io.neurite.device.Buffer;
import io.neurite.device.Kernels;
import io.neurite.device.Op;
import java.util.List;

/**
 * Cases for {@link Op#TRAINING_TOTALS}, the running totals a training loop keeps on the device:
 * many batches (a last short one), whose loss sum must stay within a few float roundings of the
 * double sum thanks to the compensation, and whose correct count must be exact; a NaN and a later
 * infinity, where the first non-finite batch and its value must be kept; and no correct count.
 */
final class TotalsCases {
    /** The compensated sum: within a couple of roundings of the total, far tighter than a plain float sum of 300 terms. */
    private static final Tolerance SUM = new Tolerance(0, 2e-7);

    private TotalsCases() {
    }

    static List<OpCase> cases() {
        return List.of(totals("300 batches of 64, the last of 17", 300, 64, 17, -1, -1, true, SUM),
                totals("NaN at batch 37, infinity at 50", 80, 32, 32, 37, 50, true, Tolerance.EXACT),
                totals("no correct count", 40, 8, 3, -1, 12, false, Tolerance.EXACT));
    }

    /**
     * Batches 1..n of size samples (the last of last) with losses in [0, 3) and random correct
     * counts; batch nan's loss is NaN and batch inf's is +infinity (-1: none). Output: the decoded
     * loss sum (or 1 where it is not finite), the correct count, the first non-finite batch and
     * that loss's kind (1 NaN, 2 +infinity, 0 none).
     */
    private static OpCase totals(String name, int n, int samples, int last, int nan, int inf, boolean counted, Tolerance tol) {
        float[] losses = Inputs.uniform(500 + n, n, 0, 3);
        int[] correct = Inputs.ints(600 + n, n, samples + 1);
        if (nan > 0) losses[nan - 1] = Float.NaN;
        if (inf > 0) losses[inf - 1] = Float.POSITIVE_INFINITY;
        correct[n - 1] = Math.min(correct[n - 1], last);
        return new OpCase(Op.TRAINING_TOTALS, name, tol, device -> {
            try (Scratch s = new Scratch(device)) {
                Buffer t = s.floats(Kernels.TOTALS), l = s.floats(1), c = s.ints(1);
                for (int b = 0; b < n; b++) {
                    l.copyFrom(new float[] {losses[b]});
                    c.copyFrom(new int[] {correct[b]});
                    device.ops().trainingTotals(b == n - 1 ? last : samples, b + 1, l, counted ? c : null, t);
                }
                float[] v = s.read(t);
                double sum = Float.isFinite(v[1]) ? (double) v[0] - v[1] : v[0];
                return new float[][] {{Double.isFinite(sum) ? (float) sum : 1, (float) ((double) v[2] - v[3]), v[4], kind(v[5])}};
            }
        }, () -> {
            double sum = 0, right = 0;
            int first = 0;
            for (int b = 0; b < n; b++) {
                sum += (double) (b == n - 1 ? last : samples) * losses[b];
                if (counted) right += correct[b];
                if (first == 0 && !Float.isFinite(losses[b])) first = b + 1;
            }
            return new double[][] {{Double.isFinite(sum) ? sum : 1, right, first, first == 0 ? 0 : kind(losses[first - 1])}};
        });
    }

    private static float kind(float v) {
        return Float.isNaN(v) ? 1 : v == Float.POSITIVE_INFINITY ? 2 : 0;
    }
}
