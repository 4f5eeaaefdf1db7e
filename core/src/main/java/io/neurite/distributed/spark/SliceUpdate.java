package io.neurite.distributed.spark;

import io.neurite.device.Buffer;
import io.neurite.device.DType;
import io.neurite.device.Device;
import io.neurite.device.OptimizerStep;
import java.util.ArrayList;
import java.util.List;

/**
 * One task's share of the optimiser: the weights and optimiser state of its slice [lo, hi) of the
 * flat trainable vector, on the task's device, updated with the same fused kernel that
 * {@code Optimizer.step} runs on whole parameters. Every rule is element-wise, so updating a
 * slice piece by piece (one piece per parameter it overlaps, for that parameter's penalties)
 * computes what the whole-parameter step computes.
 */
final class SliceUpdate implements AutoCloseable {
    private record Piece(int from, int length, float l1, float l2, Buffer w, Buffer g, Buffer s1, Buffer s2) {
    }

    private final Device device;
    private final int lo, hi;
    private final List<Piece> pieces = new ArrayList<>();
    private final List<Buffer> all = new ArrayList<>();

    /** weights: the slice's values; states[i]: the slice of state buffer i (as many as the rule keeps). */
    SliceUpdate(Device device, Layout layout, int lo, int hi, float[] weights, float[][] states) {
        this.device = device;
        this.lo = lo;
        this.hi = hi;
        for (int k = 0; k < layout.index.length; k++) {
            int a = Math.max(lo, layout.offset[k]), b = Math.min(hi, layout.offset[k] + layout.size[k]);
            if (a >= b) continue;
            Buffer w = upload(weights, a - lo, b - a), g = track(device.allocate(DType.FLOAT32, b - a));
            Buffer s1 = states.length > 0 ? upload(states[0], a - lo, b - a) : null, s2 = states.length > 1 ? upload(states[1], a - lo, b - a) : null;
            pieces.add(new Piece(a - lo, b - a, layout.l1[k], layout.l2[k], w, g, s1, s2));
        }
    }

    private Buffer upload(float[] values, int from, int n) {
        Buffer b = track(device.allocateUninitialized(DType.FLOAT32, n));
        b.copyFrom(values, from, 0, n);
        return b;
    }

    private Buffer track(Buffer b) {
        all.add(b);
        return b;
    }

    /** Applies rule with the summed gradient of the slice; returns the slice's new weights. */
    float[] step(OptimizerStep rule, float[] grad) {
        if (grad.length != hi - lo) throw new IllegalArgumentException("slice of " + (hi - lo) + " values, gradient of " + grad.length);
        float[] out = new float[hi - lo];
        for (Piece p : pieces) {
            p.g.copyFrom(grad, p.from, 0, p.length);
            device.ops().optimizerStep(rule.withPenalties(p.l1, p.l2), p.length, p.w, p.g, p.s1, p.s2);
            p.w.copyTo(0, out, p.from, p.length);
        }
        return out;
    }

    /** The slice of each state buffer, as the constructor takes them. */
    float[][] states(int count) {
        float[][] st = new float[count][hi - lo];
        for (Piece p : pieces) {
            if (count > 0) p.s1.copyTo(0, st[0], p.from, p.length);
            if (count > 1) p.s2.copyTo(0, st[1], p.from, p.length);
        }
        return st;
    }

    @Override
    public void close() {
        all.forEach(Buffer::close);
    }
}
