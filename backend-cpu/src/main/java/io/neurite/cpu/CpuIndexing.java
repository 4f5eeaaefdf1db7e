package io.neurite.cpu;

import io.neurite.device.DeviceException;

/**
 * Ops driven by integer indices: the embedding gather and its scatter-add backward, and the
 * row argmax behind predictions and accuracy. Ids are checked against the table before any
 * output is written: a bad id is a data bug, and Java would otherwise report it as a bare
 * {@link ArrayIndexOutOfBoundsException} from inside the pool, or not at all where the row
 * happens to land inside the table.
 */
final class CpuIndexing {
    /** Elements per task. */
    private static final int GRAIN = 1 << 14;

    private CpuIndexing() {
    }

    /** {@code out[i, :] = table[ids[i], :]}; the vocabulary is the table's rows of width. */
    static void embedding(int count, int width, float[] table, int[] ids, float[] out) {
        if (width == 0) return;
        checkIds(count, ids, table.length / width);
        Parallel.forRange(count, Math.max(1, GRAIN / width), (from, to) -> {
            for (int i = from; i < to; i++) System.arraycopy(table, ids[i] * width, out, i * width, width);
        });
    }

    /**
     * {@code dTable[ids[i], :] += dOut[i, :]}. Repeated ids make rows collide, so the work is split
     * by columns instead: each task owns a slice of every row and adds the ids in order, which
     * also keeps the sums independent of the thread count.
     */
    static void embeddingBackward(int count, int width, float[] dOut, int[] ids, float[] dTable) {
        if (width == 0) return;
        checkIds(count, ids, dTable.length / width);
        Parallel.forRange(width, Math.max(1, GRAIN / Math.max(1, count)), (from, to) -> {
            for (int i = 0; i < count; i++) {
                int src = i * width, dst = ids[i] * width;
                for (int j = from; j < to; j++) dTable[dst + j] += dOut[src + j];
            }
        });
    }

    private static void checkIds(int count, int[] ids, int vocab) {
        for (int i = 0; i < count; i++) {
            if (ids[i] < 0 || ids[i] >= vocab) {
                throw new DeviceException("EMBEDDING: id " + ids[i] + " at position " + i
                        + " is outside the vocabulary of " + vocab + " rows [0, " + vocab + ")");
            }
        }
    }

    /** The first index of each row's maximum. */
    static void argmax(int rows, int cols, float[] x, int[] out) {
        Parallel.forRange(rows, Math.max(1, GRAIN / Math.max(1, cols)), (from, to) -> {
            for (int r = from; r < to; r++) out[r] = rowArgmax(x, r, cols);
        });
    }

    /** How many rows have their argmax equal to their label; a label out of range never matches. */
    static void countCorrect(int rows, int cols, float[] x, int[] labels, int[] count) {
        int correct = 0;
        for (int r = 0; r < rows; r++) if (rowArgmax(x, r, cols) == labels[r]) correct++;
        count[0] = correct;
    }

    /** {@code Kernels#trainingTotals}, in the order and float arithmetic the GPU kernel uses. */
    static void trainingTotals(int samples, int batch, float loss, int[] correct, float[] totals) {
        kahanAdd(totals, 0, (float) samples * loss);
        if (!Float.isFinite(loss) && totals[4] == 0) {
            totals[4] = batch;
            totals[5] = loss;
        }
        if (correct != null) kahanAdd(totals, 2, (float) correct[0]);
    }

    private static void kahanAdd(float[] t, int at, float v) {
        float y = v - t[at + 1];
        float s = t[at] + y;
        t[at + 1] = (s - t[at]) - y;
        t[at] = s;
    }

    /**
     * The first column holding row r's maximum, or -1 for an empty row. A strict comparison keeps
     * the first of tied values; NaN compares false, so a NaN wins only from the first column.
     */
    private static int rowArgmax(float[] x, int r, int cols) {
        if (cols == 0) return -1;
        int off = r * cols, best = 0;
        float max = x[off];
        for (int j = 1; j < cols; j++) {
            if (x[off + j] > max) {
                max = x[off + j];
                best = j;
            }
        }
        return best;
    }
}
