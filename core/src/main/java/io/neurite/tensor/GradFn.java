package io.neurite.tensor;

/**
 * How a tensor was computed: the op's name, its inputs and its backward. Each op states its
 * gradient once, here, and every layer, loss and custom training loop is built on that.
 */
record GradFn(String name, Tensor[] inputs, Backward backward) {
    /** Given the gradient of the output, the gradient of each input (null where no input needs one). */
    @FunctionalInterface
    interface Backward {
        Tensor[] apply(Tensor gradOut);
    }
}
