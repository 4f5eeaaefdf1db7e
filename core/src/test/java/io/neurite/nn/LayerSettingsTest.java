package io.neurite.nn;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurite.device.Window2d;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Every layer setting out of bounds is one IllegalArgumentException naming the layer and the setting (its JSON key). */
class LayerSettingsTest {
    private static final int BIG = Integer.MAX_VALUE;

    @Test
    void outOfBoundSettingsNameTheLayerAndTheField() {
        Map<String, List<Supplier<Object>>> cases = Map.ofEntries(
                Map.entry("Conv2d: filters", List.of(() -> new Conv2d(0, 3), () -> new Conv2d(BIG, 3), () -> new Conv2d(-1, 3))),
                Map.entry("Conv2d: kernel_h", List.of(() -> new Conv2d(4, 0, 3), () -> new Conv2d(4, BIG, 3))),
                Map.entry("Conv2d: kernel_w", List.of(() -> new Conv2d(4, 3, 0), () -> new Conv2d(4, 3, BIG))),
                Map.entry("Conv2d: stride_h", List.of(() -> new Conv2d(4, 3).strides(0, 1), () -> new Conv2d(4, 3).strides(BIG, 1))),
                Map.entry("Conv2d: stride_w", List.of(() -> new Conv2d(4, 3).strides(1, 0))),
                Map.entry("Conv2d: padding", List.of(() -> new Conv2d(4, 3).padding("causal"), () -> new Conv2d(4, 3).padding(null))),
                Map.entry("Conv2d: l1", List.of(() -> new Conv2d(4, 3).regularize(-1, 0), () -> new Conv2d(4, 3).regularize(Float.NaN, 0))),
                Map.entry("MaxPooling2d: size_h", List.of(() -> new MaxPooling2d(0), () -> new MaxPooling2d(BIG, 2))),
                Map.entry("MaxPooling2d: stride_w", List.of(() -> new MaxPooling2d(2).strides(1, 0))),
                Map.entry("AveragePooling2d: size_w", List.of(() -> new AveragePooling2d(2, 0))),
                Map.entry("AveragePooling2d: padding", List.of(() -> new AveragePooling2d(2).padding("reflect"))),
                Map.entry("Dense: units", List.of(() -> new Dense(0), () -> new Dense(BIG))),
                Map.entry("Dense: l2", List.of(() -> new Dense(3).regularize(0, Float.POSITIVE_INFINITY))),
                Map.entry("Lstm: units", List.of(() -> new Lstm(0), () -> new Lstm(BIG))),
                Map.entry("Gru: units", List.of(() -> new Gru(1 << 25))),
                Map.entry("SimpleRnn: units", List.of(() -> new SimpleRnn(-5))),
                Map.entry("Embedding: vocabulary", List.of(() -> new Embedding(0, 4), () -> new Embedding(BIG, 4))),
                Map.entry("Embedding: width", List.of(() -> new Embedding(4, BIG))),
                Map.entry("Dropout: rate", List.of(() -> new Dropout(1), () -> new Dropout(Float.NaN))),
                Map.entry("BatchNormalization: momentum", List.of(() -> new BatchNormalization().momentum(2))),
                Map.entry("BatchNormalization: epsilon", List.of(() -> new BatchNormalization().epsilon(0), () -> new BatchNormalization().epsilon(Float.NaN))),
                Map.entry("Reshape: target_shape", List.of(() -> new Reshape(0, 3), () -> new Reshape(BIG))),
                Map.entry("Input: shape", List.of(() -> Input.of(), () -> Input.of(1, 0, 28), () -> Input.of(1, BIG, 28),
                        () -> Input.of(1 << 24, 1 << 24))),
                Map.entry("leaky_relu slope", List.of(() -> new Activation("leaky_relu:x"), () -> new Dense(2).activation("leaky_relu:NaN"))));
        cases.forEach((says, makers) -> {
            for (Supplier<Object> make : makers) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, make::get, says);
                assertTrue(e.getMessage().contains(says) && !e.getMessage().contains("\n"), says + ": " + e.getMessage());
            }
        });
    }

    @Test
    void windowsRefuseZeroStridesAndOverflowInsteadOfDividingByZero() {
        assertThrows(IllegalArgumentException.class, () -> Window2d.keras("same", 28, 28, 5, 5, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> Window2d.keras("valid", 28, 28, 5, 5, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> Window2d.of(28, 28, 3, 3, 1, 1, BIG, 0));
        Window2d wide = Window2d.keras("full", 1 << 24, 1 << 24, 1 << 24, 1, 1, 1); // sums past 2^31 computed in long
        assertTrue(wide.outH() == (1 << 25) - 1, "full padding of a 2^24 kernel: " + wide);
    }
}
