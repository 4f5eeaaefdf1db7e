package io.neurite.train;

import io.neurite.data.Dataset;
import io.neurite.device.Buffer;
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
        Tensor count = Tensor.zeros(output.device(), DType.INT32, 1);
        return countCorrect(output, target, count.buffer()) ? count.toIntArray()[0] : -1;
    }

    /** Queues the count of correct predictions into count (int32 [1]) without waiting; false where accuracy has no meaning. */
    public static boolean countCorrect(Tensor output, Tensor target, Buffer count) {
        if (output.rank() != 2 || output.dim(1) < 2) return false;
        Tensor labels = target.dtype() == DType.INT32 ? target : target.argmax();
        output.device().ops().countCorrect(output.dim(0), output.dim(1), output.buffer(), labels.buffer(), count);
        return true;
    }
}
