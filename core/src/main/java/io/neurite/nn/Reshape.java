package io.neurite.nn;

import io.neurite.tensor.Tensor;
import java.util.Arrays;

/**
 * Gives each sample another shape of the same size, Keras' {@code Reshape} (a view: no copy).
 * One dimension may be -1 and is inferred. {@code new Reshape(28, 28)} turns MNIST's [1, 28, 28]
 * images into 28 steps of 28 features for a recurrent layer.
 */
public final class Reshape extends Layer {
    private final int[] targetShape;
    private transient int[] resolved;

    public Reshape(int... targetShape) {
        if (targetShape.length == 0) throw new IllegalArgumentException("Reshape needs a target shape");
        long inferred = Arrays.stream(targetShape).filter(d -> d == -1).count();
        if (inferred > 1 || Arrays.stream(targetShape).anyMatch(d -> d < -1 || d == 0 || d > Checks.MAX_SIZE)) {
            throw new IllegalArgumentException("Reshape: target_shape " + Arrays.toString(targetShape)
                    + " must be sizes from 1 to " + Checks.MAX_SIZE + " with at most one -1");
        }
        this.targetShape = targetShape.clone();
    }

    @Override
    public String type() {
        return "Reshape" + Arrays.toString(targetShape).replace('[', '(').replace(']', ')');
    }

    @Override
    protected int[] init(int[][] inputShapes) {
        long size = Tensor.size(single("Reshape", inputShapes));
        int[] s = targetShape.clone();
        long known = 1;
        int infer = -1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1) infer = i;
            else known = Math.min(known * s[i], Long.MAX_VALUE >> 25); // saturates: the size check below refuses it
        }
        if (infer >= 0 && known > 0 && size % known == 0) s[infer] = (int) (size / known);
        if (Tensor.size(s) != size) {
            throw new IllegalArgumentException("Reshape cannot reshape " + Arrays.toString(inputShapes[0]) + " (" + size + " values) to "
                    + Arrays.toString(targetShape));
        }
        resolved = s;
        return s.clone();
    }

    @Override
    public Tensor forward(Tensor[] inputs, Mode mode) {
        int[] shape = new int[resolved.length + 1];
        shape[0] = inputs[0].dim(0);
        System.arraycopy(resolved, 0, shape, 1, resolved.length);
        return inputs[0].reshape(shape);
    }
}
