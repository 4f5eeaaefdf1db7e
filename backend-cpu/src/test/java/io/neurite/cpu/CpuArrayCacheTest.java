package io.neurite.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.neurite.device.DType;
import org.junit.jupiter.api.Test;

/** The array cache at its cap: the sizes used least recently (taken or given back) make room, and nothing larger than the cap is kept. */
class CpuArrayCacheTest {
    @Test
    void aFullCacheDropsTheSizesUsedLeastRecently() {
        CpuArrayCache cache = new CpuArrayCache(400); // 100 floats
        float[] a = new float[30], b = new float[30], c = new float[50];
        cache.give(DType.FLOAT32, a);
        cache.give(DType.FLOAT32, b);
        float[] again = (float[]) cache.take(DType.FLOAT32, 30, true);
        assertSame(b, again, "the last one given of a size is handed out first");
        cache.give(DType.FLOAT32, again);
        assertEquals(240, cache.cachedBytes());
        cache.give(DType.FLOAT32, c); // 240 + 200 > 400: the only other size makes room, all of it
        assertEquals(200, cache.cachedBytes(), "both 30-float arrays dropped for the 50-float one");
        assertSame(c, cache.take(DType.FLOAT32, 50, false));
        assertNotSame(a, cache.take(DType.FLOAT32, 30, false));
        assertNotSame(b, cache.take(DType.FLOAT32, 30, false));
    }

    @Test
    void theSizeUsedMostRecentlyIsKept() {
        CpuArrayCache cache = new CpuArrayCache(400);
        float[] x = new float[40], y = new float[40], z = new float[40];
        cache.give(DType.FLOAT32, x); // size 40
        cache.give(DType.FLOAT32, new float[45]); // size 45, the most recent
        assertSame(x, cache.take(DType.FLOAT32, 40, true)); // now 40 is the most recent
        cache.give(DType.FLOAT32, x);
        cache.give(DType.FLOAT32, y); // 160 + 180 + 160 = 500 > 400: the 45 goes
        assertEquals(320, cache.cachedBytes());
        assertEquals(45, ((float[]) cache.take(DType.FLOAT32, 45, false)).length);
        cache.give(DType.FLOAT32, z); // 480 > 400, and no other size to drop: z is not kept
        assertEquals(320, cache.cachedBytes());
        assertSame(y, cache.take(DType.FLOAT32, 40, false));
        assertSame(x, cache.take(DType.FLOAT32, 40, false));
    }

    @Test
    void anArrayLargerThanTheCapIsNotKeptAndTakenArraysAreZeroed() {
        CpuArrayCache cache = new CpuArrayCache(400);
        cache.give(DType.FLOAT32, new float[101]);
        assertEquals(0, cache.cachedBytes());
        int[] ints = {1, 2, 3};
        cache.give(DType.INT32, ints);
        assertSame(ints, cache.take(DType.INT32, 3, true));
        assertArrayEquals(new int[3], ints, "a reused array asked for zeroed is zeroed");
    }
}
