package io.neurite.checkpoint;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurite.io.CheckpointException;
import io.neurite.nn.Conv2d;
import io.neurite.nn.Dense;
import io.neurite.nn.Flatten;
import io.neurite.nn.Input;
import io.neurite.nn.MaxPooling2d;
import io.neurite.nn.Sequential;
import org.junit.jupiter.api.Test;

/**
 * A model file with a setting out of bounds (a stride of 0, sizes near 2^31) is refused with the
 * file, the layer and the field named, when it is read: not an ArithmeticException when it is built.
 */
class ModelJsonLimitsTest {
    private static final String LENET = ModelJson.toJson(new Sequential(Input.of(1, 28, 28),
            new Conv2d(6, 5).padding("same").activation("relu"), new MaxPooling2d(2), new Flatten(), new Dense(10)));

    private static void refused(String from, String to, String... says) {
        assertTrue(LENET.contains(from), from);
        String json = LENET.replace(from, to);
        CheckpointException e = assertThrows(CheckpointException.class, () -> ModelJson.fromJson(json, "F.json"), to);
        assertTrue(e.getMessage().startsWith("F.json: layer "), e.getMessage());
        for (String s : says) assertTrue(e.getMessage().contains(s), s + " missing: " + e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void outOfBoundSettingsAreRefusedNamingFileLayerAndField() {
        refused("\"stride_h\": 1", "\"stride_h\": 0", "conv2d_1", "stride_h", "got 0");
        refused("\"filters\": 6", "\"filters\": 2147483647", "conv2d_1", "filters");
        refused("\"kernel_h\": 5", "\"kernel_h\": 2147483647", "kernel_h");
        refused("\"kernel_w\": 5", "\"kernel_w\": -5", "kernel_w");
        refused("\"units\": 10", "\"units\": 2147483647", "dense_1", "units");
        refused("\"size_h\": 2", "\"size_h\": 0", "maxpooling2d_1", "size_h");
        refused("\"shape\": [1, 28, 28]", "\"shape\": [1, 2147483647, 28]", "input_1", "shape");
        refused("\"shape\": [1, 28, 28]", "\"shape\": [16777216, 16777216, 28]", "input_1", "shape");
        refused("\"shape\": [1, 28, 28]", "\"shape\": [0, 28, 28]", "input_1", "shape");
        refused("\"padding\": \"same\"", "\"padding\": \"sane\"", "padding");
    }

    @Test
    void shapesThatDoNotFitAreRefusedAtBuildNamingTheFile() {
        String json = LENET.replace("\"kernel_h\": 5", "\"kernel_h\": 40").replace("\"padding\": \"same\"", "\"padding\": \"valid\"");
        var m = assertThrows(IllegalArgumentException.class, () -> ModelJson.fromJson(json, "F.json").build(null, 1));
        assertTrue(m.getMessage().startsWith("F.json: conv2d_1: ") && m.getMessage().contains("[1, 28, 28]")
                && m.getMessage().contains("at least 40x5"), m.getMessage());
    }
}
