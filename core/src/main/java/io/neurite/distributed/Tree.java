package io.neurite.distributed;

import java.util.List;

/**
 * The one order in which Neurite sums the contributions of several replicas: a fixed binary tree
 * over the ranks, (0,1), (2,3)..., then (0,2), (4,6)..., each pair adding the higher rank's part
 * into the lower's, until rank 0 holds the sum. Floating-point addition is not associative, so
 * {@link DataParallel} (device buffers, one process) and the Spark trainer (host slices,
 * {@code io.neurite.distributed.spark}) sum in this order alike, and their results agree with
 * each other to the bit and with one-device training to float tolerance.
 *
 * <pre>{@code
 * float[] g0 = {1, 2}, g1 = {3, 4}, g2 = {5, 6};   // one gradient slice per rank
 * Tree.sum(List.of(g0, g1, g2));                  // g0 now holds (g0 + g1) + g2: {9, 12}
 * }</pre>
 */
public final class Tree {
    private Tree() {
    }

    /** What one pair of the tree does: add the part at position from into the part at position to. */
    @FunctionalInterface
    public interface Pair {
        void add(int from, int to);
    }

    /** Visits the tree's pairs over count positions in order; position 0 ends up holding the sum. */
    public static void pairs(int count, Pair pair) {
        for (int s = 1; s < count; s *= 2) {
            for (int i = 0; i + s < count; i += 2 * s) pair.add(i + s, i);
        }
    }

    /** Sums equal-length arrays, rank order, into the first one (which it returns). */
    public static float[] sum(List<float[]> parts) {
        for (float[] p : parts) {
            if (p.length != parts.getFirst().length) throw new IllegalArgumentException("parts of " + parts.getFirst().length + " and " + p.length + " values");
        }
        pairs(parts.size(), (from, to) -> {
            float[] src = parts.get(from), dst = parts.get(to);
            for (int i = 0; i < dst.length; i++) dst[i] += src[i];
        });
        return parts.getFirst();
    }
}
