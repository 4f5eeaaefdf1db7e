package io.neurite.behaviour;

import io.neurite.data.Dataset;
import io.neurite.nn.BatchNormalization;
import io.neurite.nn.Conv2d;
import io.neurite.nn.Dense;
import io.neurite.nn.Dropout;
import io.neurite.nn.Flatten;
import io.neurite.nn.Input;
import io.neurite.nn.MaxPooling2d;
import io.neurite.nn.Model;
import io.neurite.nn.Parameter;
import io.neurite.nn.Sequential;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Models and data shared by the checkpoint tests. */
public final class CheckpointFixtures {
    private CheckpointFixtures() {
    }

    /** Ten classes of noisy 8x8 patterns: class c lights row c%8 and, for c >= 8, a column too. */
    public static Dataset patterns(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n * 64];
        int[] y = new int[n];
        for (int s = 0; s < n; s++) {
            int c = r.nextInt(10);
            y[s] = c;
            for (int i = 0; i < 64; i++) {
                boolean on = i / 8 == c % 8 || (c >= 8 && i % 8 == c - 6);
                x[s * 64 + i] = (on ? 1f : 0f) + 0.3f * (float) r.nextDouble();
            }
        }
        return Dataset.ofLabels(x, new int[] {1, 8, 8}, y);
    }

    /** A small convolutional net with every kind of state: batch statistics, a dropout generator, biases. */
    public static Model convNet() {
        return new Sequential(Input.of(1, 8, 8), new Conv2d(6, 3).padding("same").activation("relu"), new BatchNormalization(), new MaxPooling2d(2),
                new Flatten(), new Dense(17).activation("relu"), new Dropout(0.3f), new Dense(10));
    }

    /** The bench's MLP shape, smaller: 64-33-10 with a sigmoid hidden layer. */
    public static Model mlp() {
        return new Sequential(Input.of(1, 8, 8), new Flatten(), new Dense(33).activation("sigmoid"), new Dense(10));
    }

    /** Every weight of a model, concatenated in order. */
    public static float[] weights(Model m) {
        List<float[]> parts = new ArrayList<>();
        int n = 0;
        for (Parameter p : m.parameters()) {
            float[] v = p.value().toFloatArray();
            parts.add(v);
            n += v.length;
        }
        float[] all = new float[n];
        int at = 0;
        for (float[] v : parts) {
            System.arraycopy(v, 0, all, at, v.length);
            at += v.length;
        }
        return all;
    }

    /** Bit patterns, so that equality is exact (and -0 differs from 0). */
    public static int[] bits(float[] v) {
        int[] b = new int[v.length];
        for (int i = 0; i < v.length; i++) b[i] = Float.floatToRawIntBits(v[i]);
        return b;
    }
}
