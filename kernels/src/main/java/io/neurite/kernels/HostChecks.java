package io.neurite.kernels;

import io.neurite.device.Buffer;
import io.neurite.device.DeviceException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Checks of what only the data can reveal, done on the host before a kernel runs: labels and
 * embedding ids outside their range. They are small int buffers, so reading them costs a wait for
 * the queue (or stream) and a few bytes, and the error names the row or position exactly as the
 * CPU backend's does, where a kernel would have read or written out of bounds (and, on a GPU, left
 * the context unusable). Values the host wrote whole carry their range ({@link Buffer#hostRange}),
 * so labels and ids uploaded for a batch are checked without a read: the training step stays free
 * of host waits.
 */
final class HostChecks {
    private HostChecks() {
    }

    static void labels(Buffer labels, int rows, int cols) {
        if (inside(labels, cols)) return;
        int[] ls = ints(labels, rows);
        int r = firstOutside(ls, cols);
        if (r >= 0) {
            throw new DeviceException("SOFTMAX_CROSS_ENTROPY: label " + ls[r] + " of row " + r
                    + " is outside the " + cols + " classes [0, " + cols + ")");
        }
    }

    static void ids(Buffer ids, int count, long vocab) {
        if (inside(ids, vocab)) return;
        int[] v = ints(ids, count);
        int i = firstOutside(v, vocab);
        if (i >= 0) {
            throw new DeviceException("EMBEDDING: id " + v[i] + " at position " + i
                    + " is outside the vocabulary of " + vocab + " rows [0, " + vocab + ")");
        }
    }

    /** Whether the values the host last wrote whole into b are all in [0, bound): then nothing need be read back. */
    private static boolean inside(Buffer b, long bound) {
        int[] r = b.hostRange();
        return r != null && r[0] >= 0 && r[1] < bound;
    }

    /** The position of the first value outside [0, bound), or -1 when all are inside. */
    private static int firstOutside(int[] values, long bound) {
        for (int i = 0; i < values.length; i++) {
            if (values[i] < 0 || values[i] >= bound) return i;
        }
        return -1;
    }

    /** The first n ints of an int32 buffer, after everything queued before. */
    private static int[] ints(Buffer b, int n) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate((long) n * 4, 4);
            b.copyTo(0, seg);
            return seg.toArray(ValueLayout.JAVA_INT);
        }
    }
}
