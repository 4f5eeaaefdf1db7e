package io.neurite.cpu;

import io.neurite.behaviour.CheckpointFixtures;
import io.neurite.device.Device;
import io.neurite.device.Devices;
import io.neurite.nn.Conv2d;
import io.neurite.nn.Dense;
import io.neurite.nn.Flatten;
import io.neurite.nn.Input;
import io.neurite.nn.MaxPooling2d;
import io.neurite.nn.Model;
import io.neurite.nn.Sequential;
import io.neurite.optim.Adam;
import io.neurite.train.FitOptions;
import io.neurite.train.Loss;
import io.neurite.train.Trainer;

/**
 * The child process of {@link DeterminismTest}: trains a small model that uses every
 * transcendental and every vector sum of the training path (sigmoid, tanh, softmax, bias and
 * loss sums) and prints its weights' bits, one hex word per line.
 */
public final class DeterminismMain {
    private DeterminismMain() {
    }

    public static void main(String[] args) {
        try (Device cpu = Devices.get("cpu:0");
             Model m = new Sequential(Input.of(1, 8, 8), new Conv2d(4, 3).padding("same").activation("tanh"), new MaxPooling2d(2),
                     new Flatten(), new Dense(40).activation("sigmoid"), new Dense(10).activation("softmax")).build(cpu, 5);
             Adam adam = new Adam(3e-3f)) {
            new Trainer(m, adam, Loss.sparseCategoricalCrossentropy())
                    .fit(CheckpointFixtures.patterns(640, 9), new FitOptions().batchSize(32).epochs(Integer.parseInt(args[0])).seed(3).verbose(0));
            StringBuilder out = new StringBuilder();
            for (int b : CheckpointFixtures.bits(CheckpointFixtures.weights(m))) out.append(Integer.toHexString(b)).append('\n');
            System.out.print(out);
        }
    }
}
