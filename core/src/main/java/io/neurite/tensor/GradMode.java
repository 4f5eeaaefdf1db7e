package io.neurite.tensor;

/**
 * Whether ops record how to differentiate them. Inference turns it off, as PyTorch's
 * {@code no_grad}, so no backward closures keep activations alive.
 *
 * <pre>{@code
 * try (GradMode off = GradMode.disabled()) { Tensor y = model.predict(x); }
 * }</pre>
 */
public final class GradMode implements AutoCloseable {
    private static final ThreadLocal<Boolean> ENABLED = ThreadLocal.withInitial(() -> true);
    private final boolean previous;

    private GradMode(boolean enabled) {
        previous = ENABLED.get();
        ENABLED.set(enabled);
    }

    public static GradMode disabled() {
        return new GradMode(false);
    }

    public static GradMode enabled() {
        return new GradMode(true);
    }

    public static boolean isEnabled() {
        return ENABLED.get();
    }

    @Override
    public void close() {
        ENABLED.set(previous);
    }
}
