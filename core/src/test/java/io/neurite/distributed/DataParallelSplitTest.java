package io.neurite.distributed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

class DataParallelSplitTest {
    @Test
    void cutsAtTheRoundedCumulativeShares() {
        assertArrayEquals(new int[] {5, 5}, DataParallel.split(10, new double[] {0.5, 0.5}));
        assertArrayEquals(new int[] {5, 2}, DataParallel.split(7, new double[] {0.7, 0.3}));
        assertArrayEquals(new int[] {21, 22, 21}, DataParallel.split(64, new double[] {1 / 3.0, 1 / 3.0, 1 / 3.0}));
        assertArrayEquals(new int[] {48, 16}, DataParallel.split(64, new double[] {0.75, 0.25}));
    }

    @Test
    void rankZeroAlwaysHasASampleAndTheOthersMayHaveNone() {
        assertArrayEquals(new int[] {1, 0}, DataParallel.split(1, new double[] {0.5, 0.5}));
        assertArrayEquals(new int[] {1, 0, 1}, DataParallel.split(2, new double[] {0.01, 0.2, 0.79}));
    }
}
