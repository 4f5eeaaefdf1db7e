package io.neurite.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The strict JSON of checkpoint headers and model files. */
class JsonTest {
    @Test
    void roundTripsValuesKeepingKeyOrderAndNumberKinds() throws CheckpointException {
        String text = "{\"b\": [1, -2.5, 1e-3, 9007199254740993], \"a\": {\"s\": \"q\\\"\\u00e9\\n\", \"t\": true, \"n\": null}}";
        Object v = Json.parse(text, "t", 0);
        Map<?, ?> m = (Map<?, ?>) v;
        assertEquals(List.of("b", "a"), List.copyOf(m.keySet()));
        assertEquals(List.of(1L, -2.5, 1e-3, 9007199254740993L), m.get("b"), "whole numbers stay exact longs");
        assertEquals("q\"\u00e9\n", ((Map<?, ?>) m.get("a")).get("s"));
        assertEquals(v, Json.parse(Json.write(v), "t", 0));
        assertEquals(v, Json.parse(Json.pretty(v), "t", 0));
    }

    @Test
    void writesFloatsInTheirShortestForm() {
        assertEquals("[0.99,1.0E-4,3]", Json.write(List.of(0.99f, 1e-4f, 3)));
        assertEquals("[1,2]", Json.write(new int[] {1, 2}));
        assertThrows(IllegalArgumentException.class, () -> Json.write(Float.NaN));
    }

    private static void bad(String text, String fragment) {
        CheckpointException e = assertThrows(CheckpointException.class, () -> Json.parse(text, "f.json", 100));
        assertTrue(e.getMessage().startsWith("f.json: bad JSON at offset "), e.getMessage());
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }

    @Test
    void refusesWhatRfc8259Refuses() {
        bad("[1, 2,]", "offset 106");
        bad("{\"a\": 1,}", "expected a key");
        bad("{\"a\": 01}", "bad number '01'");
        bad("[NaN]", "unexpected 'N'");
        bad("{\"a\": 1} x", "after the JSON value");
        bad("\"abc", "unexpected end");
        bad("[" + "[".repeat(100) + "]".repeat(101), "nested deeper");
        bad("{\"a\": 1, \"a\": 2}", "duplicate key");
    }
}
