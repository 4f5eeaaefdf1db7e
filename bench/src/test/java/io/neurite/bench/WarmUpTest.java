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
    void autoStopsOnceThreeRoundsAfterTheColdOneAreNearTheFastest() {
        assertFalse(WarmUp.steady(List.of()), "no rounds yet");
        assertFalse(WarmUp.steady(List.of(1.0, 0.1, 0.1)), "three rounds: the cold one does not count");
        assertTrue(WarmUp.steady(List.of(1.0, 0.1, 0.1, 0.1)));
        assertTrue(WarmUp.steady(List.of(1.0, 0.12, 0.1, 0.11, 0.119)), "within 1.2x of the fastest");
        assertFalse(WarmUp.steady(List.of(1.0, 0.1, 0.1, 0.1, 0.13)), "the last round is 1.3x the fastest");
        assertFalse(WarmUp.steady(List.of(1.0, 0.5, 0.3, 0.2, 0.1)), "still getting faster");
        assertTrue(WarmUp.steady(List.of(1.0, 0.5, 0.3, 0.2, 0.1, 0.11, 0.1, 0.1)), "once it stops getting faster");
    }

    @Test
    void anAutoWarmUpOfTheMlpEndsBeforeItsLimitWithSteadyRounds() throws IOException {
        Mnist.Split data = Mnist.load(MnistCommand::embedded, "embedded MNIST t10k");
        try (Device cpu = Devices.get("cpu:0")) {
            WarmUp.Result r = WarmUp.run(Double.NaN, () -> MnistModels.build("mlp").build(cpu, 7), () -> new Adam(1e-3f), 32, data.train());
            assertEquals(r.rounds().size() * WarmUp.ROUND_BATCHES, r.batches(), "10 batches a round: " + r);
            assertTrue(WarmUp.steady(r.rounds()) || r.seconds() >= WarmUp.AUTO_LIMIT_SECONDS, "stopped for a reason: " + r);
            assertTrue(r.seconds() < WarmUp.AUTO_LIMIT_SECONDS + 2, "a round of the MLP takes milliseconds: " + r);
            assertEquals(0, WarmUp.run(0, () -> MnistModels.build("mlp").build(cpu, 7), () -> new Adam(1e-3f), 32, data.train()).batches());
        }
    }
}
