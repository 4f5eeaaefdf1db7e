package io.neurite.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurite.data.Mnist;
import io.neurite.device.Device;
import io.neurite.device.Devices;
import io.neurite.optim.Adam;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The warm-up's stop rule, and an auto warm-up of the MLP on the embedded data. */
class WarmUpTest {
    @Test
    void autoStopsOnceTheLastThreeRoundsAreLessThanATenthFasterThanTheThreeBefore() {
        assertFalse(WarmUp.steady(List.of()), "no rounds yet");
        assertFalse(WarmUp.steady(List.of(1.0, 0.1, 0.1, 0.1, 0.1, 0.1)), "six rounds: the cold one does not count");
        assertTrue(WarmUp.steady(List.of(1.0, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1)));
        assertFalse(WarmUp.steady(List.of(1.0, 0.2, 0.2, 0.2, 0.1, 0.1, 0.1)), "twice as fast as the window before");
        assertFalse(WarmUp.steady(List.of(1.0, 0.1, 0.1, 0.1, 0.089, 0.089, 0.089)), "11% faster");
        assertTrue(WarmUp.steady(List.of(1.0, 0.1, 0.1, 0.1, 0.091, 0.091, 0.091)), "9% faster");
        // LeNet-5's rounds (ms) of a run on this machine: a slow decline, then noise around 65
        List<Double> lenet = List.of(1407.3, 154.1, 117.1, 103.3, 84.1, 78.9, 63.5, 55.6, 67.6, 76.5, 67.6);
        for (int n = 1; n < lenet.size(); n++) assertFalse(WarmUp.steady(lenet.subList(0, n)), "after " + n + " rounds");
        assertTrue(WarmUp.steady(lenet), "median 67.6 against 63.5 before");
        assertTrue(WarmUp.steady(List.of(1.0, 0.1, 0.3, 0.1, 0.1, 0.1, 0.3)), "a median: one slow round in each window does not count");
    }

    @Test
    void anAutoWarmUpOfTheMlpEndsBeforeItsLimitWithSteadyRounds() throws IOException {
        Mnist.Split data = Mnist.load(MnistCommand::embedded, "embedded MNIST t10k");
        try (Device cpu = Devices.get("cpu:0")) {
            WarmUp.Result r = WarmUp.run(Double.NaN, () -> MnistModels.build("mlp").build(cpu, 7), () -> new Adam(1e-3f), 32, data.train());
            assertEquals(0, r.batches() % WarmUp.PASS_BATCHES, "10 batches a pass: " + r);
            assertTrue(r.batches() >= r.rounds().size() * WarmUp.PASS_BATCHES, "at least a pass a round: " + r);
            assertTrue(WarmUp.steady(r.rounds()) || r.seconds() >= WarmUp.AUTO_LIMIT_SECONDS, "stopped for a reason: " + r);
            assertTrue(r.seconds() < WarmUp.AUTO_LIMIT_SECONDS + 2, "a round of the MLP takes milliseconds: " + r);
            assertEquals(0, WarmUp.run(0, () -> MnistModels.build("mlp").build(cpu, 7), () -> new Adam(1e-3f), 32, data.train()).batches());
        }
    }
}
