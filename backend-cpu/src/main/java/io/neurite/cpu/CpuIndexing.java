package io.neurite.cpu;

import io.neurite.device.*;

/** Stub, to be filled. */
final class CpuIndexing {
    private CpuIndexing() {
    }
    static void embedding(int count, int width, float[] table, int[] ids, float[] out) { throw new UnsupportedOperationException("not yet"); }
    static void embeddingBackward(int count, int width, float[] dOut, int[] ids, float[] dTable) { throw new UnsupportedOperationException("not yet"); }
    static void argmax(int rows, int cols, float[] x, int[] out) { throw new UnsupportedOperationException("not yet"); }
    static void countCorrect(int rows, int cols, float[] x, int[] labels, int[] count) { throw new UnsupportedOperationException("not yet"); }
}
