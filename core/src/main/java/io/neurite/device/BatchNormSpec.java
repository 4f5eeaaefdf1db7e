package io.neurite.device;

/**
 * Batch normalisation over [n, c, inner] (inner = h*w for images, 1 after a dense layer): one
 * mean and variance per channel c. Moving statistics follow Keras:
 * {@code moving = momentum moving + (1 - momentum) batch}, with the biased batch variance.
 */
public record BatchNormSpec(int n, int c, int inner, float epsilon, float momentum) {
    public BatchNormSpec {
        if (n < 1 || c < 1 || inner < 1) {
            throw new IllegalArgumentException("bad batch-norm shape [" + n + ", " + c + ", " + inner + "]");
        }
    }

    public long length() {
        return (long) n * c * inner;
    }
}
