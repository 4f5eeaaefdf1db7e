package io.neurite.nn;

/**
 * A plain stack of layers, Keras' {@code Sequential}.
 *
 * <pre>{@code
 * Sequential lenet = new Sequential(Input.of(1, 28, 28),
 *         new Conv2d(6, 5).padding("same").activation("relu"), new MaxPooling2d(2),
 *         new Conv2d(16, 5).activation("relu"), new MaxPooling2d(2), new Flatten(),
 *         new Dense(120).activation("relu"), new Dense(84).activation("relu"), new Dense(10));
 * }</pre>
 */
public final class Sequential extends Model {
    public Sequential(Node input, Layer... layers) {
        super(input, chain(input, layers));
    }

    private static Node chain(Node input, Layer[] layers) {
        Node n = input;
        for (Layer l : layers) n = l.call(n);
        return n;
    }
}
