package io.neurite.behaviour;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurite.nn.Dense;
import io.neurite.nn.Gru;
import io.neurite.nn.Input;
import io.neurite.nn.Lstm;
import io.neurite.nn.Mode;
import io.neurite.nn.Model;
import io.neurite.nn.Recurrent;
import io.neurite.nn.Sequential;
import io.neurite.optim.Adam;
import io.neurite.tensor.NeuralOps;
import io.neurite.tensor.Scope;
import io.neurite.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * An LSTM and a GRU learn the adding problem (Hochreiter and Schmidhuber): each step carries a
 * value in [0, 1) and a marker, two steps are marked, and the target is the sum of their two
 * values. Predicting the mean scores an MSE of 1/6 (the variance of the sum); a model must
 * carry the marked values across the sequence to do better. With 16 units, sequences of 16
 * steps, batches of 32 and Adam at 1e-2, 600 updates bring the held-out MSE to about 0.001
 * (LSTM) and 0.0004 (GRU), ten times under the 0.01 asserted; each network takes about a
 * second on two cores.
 */
public abstract class RecurrentLearningBehaviour extends DeviceSuite {
    private static final int STEPS = 16, BATCH = 32, UPDATES = 600;
    private static final double TARGET_MSE = 0.01;

    @Test
    void lstmLearnsTheAddingProblem() {
        assertLearns(new Lstm(16));
    }

    @Test
    void gruLearnsTheAddingProblem() {
        assertLearns(new Gru(16));
    }

    private void assertLearns(Recurrent layer) {
        SplittableRandom r = new SplittableRandom(11);
        try (Model m = new Sequential(Input.of(STEPS, 2), layer, new Dense(1)).build(device, 3); Adam adam = new Adam(1e-2f)) {
            for (int i = 0; i < UPDATES; i++) {
                try (Scope s = Scope.open()) {
                    Tensor[] xy = batch(r, BATCH);
                    NeuralOps.meanSquaredError(m.forward(xy[0], Mode.TRAINING), xy[1]).backward();
                    adam.step(m.parameters());
                }
            }
            try (Scope s = Scope.open()) {
                Tensor[] xy = batch(new SplittableRandom(99), 512);
                double mse = NeuralOps.meanSquaredError(m.predict(xy[0]), xy[1]).item();
                assertTrue(mse < TARGET_MSE, layer.type() + " reaches an MSE of " + mse + " on held-out sequences, want < " + TARGET_MSE);
            }
        }
    }

    /** n sequences [n, steps, (value, marker)] and their targets [n, 1]. */
    private Tensor[] batch(SplittableRandom r, int n) {
        float[] x = new float[n * STEPS * 2], y = new float[n];
        for (int i = 0; i < n; i++) {
            int a = r.nextInt(STEPS / 2), b = STEPS / 2 + r.nextInt(STEPS / 2);
            for (int t = 0; t < STEPS; t++) {
                float v = (float) r.nextDouble();
                x[(i * STEPS + t) * 2] = v;
                if (t == a || t == b) {
                    x[(i * STEPS + t) * 2 + 1] = 1;
                    y[i] += v;
                }
            }
        }
        return new Tensor[] {Tensor.of(device, x, n, STEPS, 2), Tensor.of(device, y, n, 1)};
    }
}
