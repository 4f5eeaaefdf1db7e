package io.neurite.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Both forms of the filter gradient's dot tile (whole, and two halves), called directly: the
 * conformance kit only reaches the form this machine's vectors choose. Each lane of each of the
 * 16 partial sums must equal the double-precision sum it stands for, added to what the lanes held.
 */
class FilterDotTileTest {
    @Test
    void bothFormsMatchDoubleSumsLaneByLane() {
        Assumptions.assumeTrue(VectorSupport.AVAILABLE, "the Vector API is off (-Dneurite.cpu.scalar or no incubator module)");
        int vl = FloatVector.SPECIES_PREFERRED.length(), dt = FilterDotTile.DT, count = 3, len = 2 * vl;
        int aStride = 7 * len + 5, bStride = 6 * len + 3;
        SplittableRandom r = new SplittableRandom(5);
        float[] a = new float[count * aStride + 8], b = new float[count * bStride + 8];
        for (int i = 0; i < a.length; i++) a[i] = (float) (2 * r.nextDouble() - 1);
        for (int i = 0; i < b.length; i++) b[i] = (float) (2 * r.nextDouble() - 1);
        // rows 1..4 of a and taps 2..5 of b, at offsets that are not multiples of a vector
        int[] aOff = {0, 3, len + 1, 2 * len + 5, 4 * len + 2, 0}, bOff = {0, 0, 1, len + 3, 3 * len, 5 * len + 2};
        float[] start = new float[dt * dt * vl + 4];
        for (int i = 0; i < start.length; i++) start[i] = (float) r.nextDouble();
        for (boolean halves : new boolean[] {false, true}) {
            float[] lanes = start.clone();
            FilterDotTile.dots(a, aOff, 1, aStride, b, bOff, 2, bStride, count, len, lanes, 4, halves);
            for (int row = 0; row < dt; row++) {
                for (int tap = 0; tap < dt; tap++) {
                    for (int lane = 0; lane < vl; lane++) {
                        int at = 4 + (row * dt + tap) * vl + lane;
                        double want = start[at];
                        for (int img = 0; img < count; img++) {
                            for (int j = lane; j < len; j += vl) {
                                want += (double) a[aOff[1 + row] + img * aStride + j] * b[bOff[2 + tap] + img * bStride + j];
                            }
                        }
                        assertEquals(want, lanes[at], 1e-5, (halves ? "halves" : "whole") + ": row " + row + ", tap " + tap + ", lane " + lane);
                    }
                }
            }
        }
    }
}
