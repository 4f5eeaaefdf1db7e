package io.neurite.nn;

/**
 * Whether a forward pass trains or infers: dropout drops and batch normalisation uses (and
 * updates) the batch's statistics only in {@link #TRAINING}. A named value rather than a boolean,
 * so that {@code model.forward(x, Mode.TRAINING)} says what it does (Keras' {@code training=True},
 * PyTorch's {@code model.train()}).
 */
public enum Mode {
    TRAINING, INFERENCE;

    /** Whether this is {@link #TRAINING}. */
    public boolean isTraining() {
        return this == TRAINING;
    }
}
