package io.neurite.nn;

import io.neurite.tensor.Tensor;
import io.neurite.tensor.TensorMath;
import java.util.Arrays;

/** Concatenation along the channel axis (an Inception block's branches); other axes must agree. */
public final class Concatenate extends Layer {
    @Override
    protected int[] init(int[][] inputShapes) {
        if (inputShapes.length < 2) throw new IllegalArgumentException("Concatenate joins two or more inputs, got " + inputShapes.length);
        int[] out = inputShapes[0].clone();
        out[0] = 0;
        for (int[] s : inputShapes) {
            if (s.length != out.length || !Arrays.equals(Arrays.copyOfRange(s, 1, s.length), Arrays.copyOfRange(out, 1, out.length))) {
                throw new IllegalArgumentException("Concatenate needs inputs that differ only in channels, got " + Arrays.deepToString(inputShapes));
            }
            out[0] += s[0];
        }
        return out;
    }

    @Override
    public Tensor forward(Tensor[] inputs, Mode mode) {
        return TensorMath.concat(1, inputs);
    }
}
