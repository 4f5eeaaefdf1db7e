package io.neurite.train;

import io.neurite.data.Dataset;
import io.neurite.device.DType;
import io.neurite.device.Device;
import io.neurite.tensor.Tensor;

/**
 * What every training loop does with one batch besides the model: its targets on the device, and
 * its count of correct predictions. Shared by {@link Trainer} and the data-parallel loop, so both
 * score a batch the same way.
 */
public final class Batches {
    private Batches() {
    }

    /** The targets of samples order[from..to) on dev: int labels [n], or float rows [n, width]. */
    public static Tensor targets(Device dev, Dataset d, int[] order, int from, int to) {
        if (d.hasLabels()) {
            int[] y = new int[to - from];
            d.gatherLabels(order, from, to, y);
            return Tensor.of(dev, y, y.length);
        }
        float[] t = new float[(to - from) * d.targetWidth()];
        d.gatherTargets(order, from, to, t);
        return Tensor.of(dev, t, to - from, d.targetWidth());
    }

    /** Correct predictions in a batch: argmax against the label, or against the target's argmax; -1 where it has no meaning. */
    public static int correct(Tensor output, Tensor target) {
        if (output.rank() != 2 || output.dim(1) < 2) return -1;
        Device dev = output.device();
        Tensor labels = target.dtype() == DType.INT32 ? target : target.argmax();
        Tensor count = Tensor.zeros(dev, DType.INT32, 1);
        dev.ops().countCorrect(output.dim(0), output.dim(1), output.buffer(), labels.buffer(), count.buffer());
        return count.toIntArray()[0];
    }
}
