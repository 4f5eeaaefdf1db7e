package io.neurite.bench;

import io.neurite.nn.Conv2d;
import io.neurite.nn.Dense;
import io.neurite.nn.Flatten;
import io.neurite.nn.Gru;
import io.neurite.nn.Initializer;
import io.neurite.nn.Input;
import io.neurite.nn.Lstm;
import io.neurite.nn.MaxPooling2d;
import io.neurite.nn.Model;
import io.neurite.nn.Reshape;
import io.neurite.nn.Sequential;

/**
 * The models of the MNIST job, the same as {@code ../shared/peers/torch_reference.py}'s, with the
 * same initialisation (Glorot-uniform weights, zero biases) and default settings.
 */
final class MnistModels {
    /** Batch size, optimiser and learning rate each model is run with by default. */
    record Settings(int batch, String optimizer, float lr) {
    }

    private MnistModels() {
    }

    static Settings defaults(String model) {
        return switch (model) {
            case "mlp" -> new Settings(32, "sgd", 0.1f);
            case "lenet", "lstm", "gru" -> new Settings(64, "adam", 1e-3f);
            case "vgg" -> new Settings(128, "adam", 1e-3f);
            default -> throw unknown(model);
        };
    }

    static Model build(String model) {
        return switch (model) {
            // 784-200-10 with a sigmoid hidden layer.
            case "mlp" -> new Sequential(Input.of(1, 28, 28), new Flatten(), new Dense(200).activation("sigmoid"), new Dense(10));
            // LeNet-5: conv 6@5x5 same, pool, conv 16@5x5, pool, 120, 84, 10.
            case "lenet" -> new Sequential(Input.of(1, 28, 28),
                    new Conv2d(6, 5).padding("same").activation("relu"), new MaxPooling2d(2),
                    new Conv2d(16, 5).activation("relu"), new MaxPooling2d(2), new Flatten(),
                    new Dense(120).activation("relu"), new Dense(84).activation("relu"), new Dense(10));
            // Each image as 28 rows of 28 features: LSTM(128), its last h, dense 10. Glorot-uniform
            // recurrent kernel and forget bias 1, as the PyTorch reference (Keras would start U orthogonal).
            case "lstm" -> new Sequential(Input.of(1, 28, 28), new Reshape(28, 28),
                    new Lstm(128).recurrentInitializer(Initializer.glorotUniform()), new Dense(10));
            // The same over GRU(128) (PyTorch's gate form, reset applied after the recurrent product).
            case "gru" -> new Sequential(Input.of(1, 28, 28), new Reshape(28, 28),
                    new Gru(128).recurrentInitializer(Initializer.glorotUniform()), new Dense(10));
            // VGG-style, compute-bound: two 3x3 blocks of 32 then 64 filters (same, ReLU), each
            // followed by a 2x2 max pool, then dense 256 (ReLU) and 10.
            case "vgg" -> new Sequential(Input.of(1, 28, 28),
                    new Conv2d(32, 3).padding("same").activation("relu"), new Conv2d(32, 3).padding("same").activation("relu"),
                    new MaxPooling2d(2),
                    new Conv2d(64, 3).padding("same").activation("relu"), new Conv2d(64, 3).padding("same").activation("relu"),
                    new MaxPooling2d(2), new Flatten(), new Dense(256).activation("relu"), new Dense(10));
            default -> throw unknown(model);
        };
    }

    private static IllegalArgumentException unknown(String model) {
        return new IllegalArgumentException("unknown model '" + model + "': use mlp, lenet, lstm, gru, vgg or a model FILE.json");
    }
}
