package io.neurite.distributed.spark;

import io.neurite.nn.Parameter;
import io.neurite.tensor.Tensor;
import java.io.Serializable;
import java.util.List;

/**
 * Where each trainable parameter of a model lies in one flat vector (the model's parameter order,
 * trainable ones only), and how that vector is cut into one contiguous slice per task, BigDL's
 * {@code AllReduceParameter} partitioning. Equal between the driver and every task because it is
 * computed from the same model.
 */
final class Layout implements Serializable {
    private static final long serialVersionUID = 1;
    /** Index in model.parameters() of each trainable parameter, its offset in the flat vector, its size and penalties. */
    final int[] index, offset, size;
    final float[] l1, l2;
    final int total;

    Layout(List<Parameter> params) {
        int n = (int) params.stream().filter(Parameter::trainable).count();
        index = new int[n];
        offset = new int[n];
        size = new int[n];
        l1 = new float[n];
        l2 = new float[n];
        int at = 0, k = 0;
        for (int i = 0; i < params.size(); i++) {
            Parameter p = params.get(i);
            if (!p.trainable()) continue;
            index[k] = i;
            offset[k] = at;
            size[k] = Math.toIntExact(p.value().size());
            l1[k] = p.l1();
            l2[k] = p.l2();
            at = Math.addExact(at, size[k]);
            k++;
        }
        total = at;
    }

    /** The first element of task r's slice of N (the last slice ends at total). */
    int sliceStart(int r, int tasks) {
        return (int) ((long) total * r / tasks);
    }

    /** The trainable weights (or, with grads, their gradients: zeros where a parameter has none) as one vector. */
    float[] flatten(List<Parameter> params, boolean grads) {
        float[] flat = new float[total];
        for (int k = 0; k < index.length; k++) {
            Tensor w = params.get(index[k]).value(), t = grads ? w.grad() : w;
            if (t != null) t.buffer().copyTo(0, flat, offset[k], size[k]);
        }
        return flat;
    }

    /** Writes a flat vector of trainable weights back into the parameters. */
    void load(float[] flat, List<Parameter> params) {
        for (int k = 0; k < index.length; k++) params.get(index[k]).value().buffer().copyFrom(flat, offset[k], 0, size[k]);
    }

    /** The values of the parameters that are not trained (batch-norm statistics), in order. */
    static float[][] frozen(List<Parameter> params) {
        return params.stream().filter(p -> !p.trainable()).map(p -> p.value().toFloatArray()).toArray(float[][]::new);
    }

    static void loadFrozen(float[][] values, List<Parameter> params) {
        int k = 0;
        for (Parameter p : params) if (!p.trainable()) p.value().buffer().copyFrom(values[k++]);
    }
}
