package io.neurite.kernels;

/**
 * Kernel arguments that change from one training step to the next (a learning rate, Adam's bias
 * corrections, a dropout seed, a batch number): {@link Float}s or {@link Integer}s, passed where a
 * kernel declares them followed by STEP_PARAMS (neurite/common/prelude.h). A launcher passes them
 * by value with slot -1; one that records steps for replay (a CUDA graph) also writes them to its
 * step table and passes their slot, so each replay reads that step's values from device memory
 * rather than the ones baked into the recording.
 *
 * <pre>{@code
 * // Adam's lr / (1 - beta1^t) and 1 / (1 - beta2^t) at step 1, as Optimizers passes them to adam_step:
 * io.neurite.kernels.StepValues adam = new io.neurite.kernels.StepValues(1e-3f / (1 - 0.9f), 1f / (1 - 0.999f));
 * }</pre>
 *
 * @param values the values, in the kernel's parameter order
 */
public record StepValues(Object... values) {
    public StepValues {
        for (Object v : values) {
            if (!(v instanceof Float) && !(v instanceof Integer)) throw new IllegalArgumentException("a step value is a Float or an Integer, not " + v);
        }
    }
}
