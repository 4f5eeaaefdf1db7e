package io.neurite.train;

import io.neurite.data.Dataset;

/**
 * How {@link Trainer#fit} trains on one global batch when it is not the model's own
 * forward-backward-step on the model's device: data-parallel replicas
 * ({@code io.neurite.distributed.DataParallel}) install one with {@link Trainer#batchStep}.
 * Everything else of fit (epochs, shuffling, callbacks, progress, validation on the model)
 * stays as it is.
 */
@FunctionalInterface
public interface BatchStep {
    /**
     * Trains on the samples {@code order[from..to)} of data, the fit's batch transform (or null)
     * applied with seed to their features, and takes one optimiser step.
     */
    Result step(Dataset data, int[] order, int from, int to, FitOptions.BatchTransform transform, long seed);

    /** The batch's mean loss and its correct predictions (-1 where accuracy does not apply). */
    record Result(double loss, int correct) {
    }
}
