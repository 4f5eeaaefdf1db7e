package io.neurite.nn;

import io.neurite.device.Op;
import io.neurite.tensor.Tensor;
import io.neurite.tensor.TensorMath;

/** The mean over height and width of each channel: [c, h, w] to [c]. */
public final class GlobalAveragePooling2d extends Layer {
    @Override
    protected int[] init(int[][] inputShapes) {
        int[] s = single("GlobalAveragePooling2d", inputShapes);
        rank("GlobalAveragePooling2d", s, 3, "[channels, height, width]");
        return new int[] {s[0]};
    }

    @Override
    public Tensor forward(Tensor[] inputs, Mode mode) {
        Tensor x = inputs[0];
        return TensorMath.reduce(Op.MEAN, x.reshape(x.dim(0), x.dim(1), -1), 2, false);
    }
}
