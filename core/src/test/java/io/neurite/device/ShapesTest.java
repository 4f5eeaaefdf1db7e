package io.neurite.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Known values for the shape arithmetic every backend relies on. */
class ShapesTest {
    @Test
    void broadcastFollowsNumpy() {
        Broadcast b = Broadcast.of(new int[] {64, 6, 24, 24}, new int[] {6, 1, 1});
        assertArrayEquals(new int[] {64, 6, 24, 24}, b.shape());
        assertArrayEquals(new int[] {6 * 576, 576, 24, 1}, b.stridesA());
        assertArrayEquals(new int[] {0, 1, 0, 0}, b.stridesB());
        assertEquals(6, b.spanOf(b.stridesB()));
        assertFalse(b.isFlat());
        assertTrue(Broadcast.same(10).isFlat());
        Broadcast outer = Broadcast.of(new int[] {3, 1}, new int[] {1, 4});
        assertArrayEquals(new int[] {3, 4}, outer.shape());
        assertArrayEquals(new int[] {1, 0}, outer.stridesA());
        assertArrayEquals(new int[] {0, 1}, outer.stridesB());
        var e = assertThrows(IllegalArgumentException.class, () -> Broadcast.of(new int[] {2, 3}, new int[] {4}));
        assertTrue(e.getMessage().contains("do not broadcast"), e.getMessage());
    }

    @Test
    void kerasPaddingModes() {
        Window2d valid = Window2d.keras("valid", 28, 28, 5, 5, 1, 1);
        assertEquals(24, valid.outH());
        Window2d same = Window2d.keras("same", 28, 28, 5, 5, 1, 1);
        assertEquals(new Window2d(5, 5, 1, 1, 2, 2, 28, 28), same);
        Window2d evenSame = Window2d.keras("same", 7, 7, 2, 2, 1, 1);
        assertEquals(0, evenSame.padTop(), "an even kernel pads one more at the end, as TensorFlow does");
        assertEquals(7, evenSame.outH());
        Window2d strided = Window2d.keras("same", 7, 5, 3, 3, 2, 2);
        assertEquals(4, strided.outH());
        assertEquals(3, strided.outW());
        assertEquals(32, Window2d.keras("full", 28, 28, 5, 5, 1, 1).outH());
        assertThrows(IllegalArgumentException.class, () -> Window2d.keras("causal", 5, 5, 3, 3, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> Window2d.of(2, 2, 5, 5, 1, 1, 0, 0));
    }

    @Test
    void counterRandomIsUniformAndRepeatable() {
        double sum = 0;
        for (int i = 0; i < 100_000; i++) {
            float u = CounterRandom.uniform(42, i);
            assertTrue(u >= 0 && u < 1);
            sum += u;
        }
        assertEquals(0.5, sum / 100_000, 0.005);
        assertEquals(CounterRandom.uniform(7, 123), CounterRandom.uniform(7, 123));
        assertTrue(CounterRandom.uniform(7, 123) != CounterRandom.uniform(8, 123));
    }
}
