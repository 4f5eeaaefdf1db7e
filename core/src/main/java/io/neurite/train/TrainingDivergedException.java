package io.neurite.train;

/**
 * Training stopped at the first non-finite loss or weight ({@link FitOptions#stopOnNonFinite}, on
 * by default): Keras' {@code TerminateOnNaN}, with the place named. The message is one line: the
 * epoch and batch (counted from 1), what was not finite, and the first weight (and so the layer)
 * that holds a NaN or an infinity, or, if every weight is still finite (the loss overflowed), the
 * weight of largest magnitude.
 */
public final class TrainingDivergedException extends ArithmeticException {
    private final int epoch;
    private final int batch;
    private final String parameter;
    private final boolean weightsFinite;

    /**
     * @param epoch         the epoch, from 1
     * @param batch         the batch of that epoch, from 1; 0 when found by the end-of-epoch weight check
     * @param parameter     the first non-finite weight ({@code LAYER/WEIGHT}), or, when every weight is
     *                      finite (the loss overflowed), the one of largest magnitude; null for a model without weights
     * @param weightsFinite whether every weight was still finite
     */
    public TrainingDivergedException(String message, int epoch, int batch, String parameter, boolean weightsFinite) {
        super(message);
        this.epoch = epoch;
        this.batch = batch;
        this.parameter = parameter;
        this.weightsFinite = weightsFinite;
    }

    /** Whether every weight was still finite (a loss that overflowed); {@link #parameter()} is then the largest weight. */
    public boolean weightsFinite() {
        return weightsFinite;
    }

    /** The epoch, counted from 1. */
    public int epoch() {
        return epoch;
    }

    /** The batch of that epoch, counted from 1; 0 when the end-of-epoch weight check found it. */
    public int batch() {
        return batch;
    }

    /** The first weight holding a NaN or an infinity, {@code LAYER/WEIGHT}; if every weight is finite, the largest; null without weights. */
    public String parameter() {
        return parameter;
    }

    /** The layer of {@link #parameter()}, or null. */
    public String layer() {
        return parameter == null ? null : parameter.substring(0, Math.max(0, parameter.lastIndexOf('/')));
    }
}
