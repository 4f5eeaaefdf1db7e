package io.neurite.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurite.device.DeviceException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The strided walk both backends pass to binary_strided and copy_strided, checked on the host alone. */
class ShapesTest {
    @Test
    void contiguousOperandsMergeIntoOneAxis() {
        Shapes.Walk w = Shapes.walk(new int[] {2, 3, 4}, new int[] {12, 4, 1}, new int[] {12, 4, 1});
        assertArrayEquals(new int[] {1, 1, 1, 1, 1, 24}, w.shape());
        assertArrayEquals(new int[] {0, 0, 0, 0, 0, 1}, w.strides()[0]);
        assertEquals(24, w.inner());
    }

    @Test
    void aBiasOverChannelsKeepsTheAxesItBreaks() {
        // y[n][c][h][w] + b[c]: h and w merge, n and c cannot merge for b
        Shapes.Walk w = Shapes.walk(new int[] {5, 3, 7, 17}, new int[] {357, 119, 17, 1}, new int[] {0, 1, 0, 0});
        assertArrayEquals(new int[] {1, 1, 1, 5, 3, 119}, w.shape());
        assertArrayEquals(new int[] {0, 0, 0, 357, 119, 1}, w.strides()[0]);
        assertArrayEquals(new int[] {0, 0, 0, 0, 1, 0}, w.strides()[1]);
        assertEquals(List.of(1, 1, 1, 5, 3, 119, 0, 0, 0, 357, 119, 1, 0, 0, 0, 0, 1, 0), w.args());
    }

    @Test
    void axesOfLengthOneAreDroppedAndAnEmptyShapeIsOneElement() {
        Shapes.Walk w = Shapes.walk(new int[] {1, 33, 1}, new int[] {99, 3, 1});
        assertArrayEquals(new int[] {1, 1, 1, 1, 1, 33}, w.shape());
        assertArrayEquals(new int[] {0, 0, 0, 0, 0, 3}, w.strides()[0]);
        assertArrayEquals(new int[] {1, 1, 1, 1, 1, 1}, Shapes.walk(new int[0], new int[0]).shape());
    }

    @Test
    void moreThanMaxRankAxesAfterMergingAreRefused() {
        int[] shape = {2, 2, 2, 2, 2, 2, 2};
        int[] transposed = {1, 2, 4, 8, 16, 32, 64}; // no two neighbours merge
        DeviceException e = assertThrows(DeviceException.class, () -> Shapes.walk(shape, transposed));
        assertTrue(e.getMessage().contains("7 axes"), e.getMessage());
    }

    @Test
    void indicesBeyondIntAreRefused() {
        assertEquals(129, Shapes.index(129, "n"));
        assertEquals(Integer.MAX_VALUE, Shapes.index(Integer.MAX_VALUE, "n"));
        assertThrows(DeviceException.class, () -> Shapes.index(1L << 31, "n"));
        assertThrows(DeviceException.class, () -> Shapes.index(-1, "n"));
        assertEquals(0, Shapes.size(new int[] {3, 0, 7}));
        assertEquals(7L * 17 * 33, Shapes.size(new int[] {7, 17, 33}));
    }
}
