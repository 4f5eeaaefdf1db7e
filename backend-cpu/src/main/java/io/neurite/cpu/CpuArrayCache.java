package io.neurite.cpu;

import io.neurite.device.DType;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The CPU device's caching allocator: a closed buffer's array is kept by (dtype, length) and
 * handed to the next buffer of that size. A training step allocates the same activations and
 * gradients every step, so after the first one a step allocates nothing: no garbage for the
 * collector (whose heap growth is most of the process's resident memory), no page faults, and
 * arrays that are still in cache. A reused array is zeroed, as {@link io.neurite.device.Device#allocate}
 * promises. What is kept is capped ({@code -Dneurite.cpu.cacheMiB}, default a quarter of the heap's
 * maximum, at least 64 MiB); past the cap closed arrays are left to the collector. The cap is
 * relative because a fixed one was too small for larger models: a VGG-style step at batch 128
 * frees about 140 MiB of arrays, and with a 64 MiB cap the rest went to the collector, whose
 * serial old generation filled with dead 12 MiB arrays (the first epoch spent 7.5 of its 26 s in
 * pauses and the heap grew to 5.8 GiB). A repeating workload keeps in each size what its buffers
 * of that size held at once. When an array would take the cache past its cap, the sizes used
 * least recently (taken or given back) are dropped to make room, so a workload whose sizes keep changing keeps its
 * recent ones rather than the first ones that filled the cap (a cap of twice the most bytes held at
 * once was tried instead: it let VGG's first steps drop arrays to the collector, and its heap peaked
 * at 1,082 instead of 653 MiB). A request the heap cannot meet empties the cache first
 * ({@link CpuBuffer}).
 */
final class CpuArrayCache {
    private static final long CAP_BYTES = Math.max(0, Long.getLong("neurite.cpu.cacheMiB",
            Math.max(64, Runtime.getRuntime().maxMemory() / 4 >> 20))) << 20;
    /** Free arrays by size, least recently used (taken or given back) first: access order. */
    private final Map<Long, ArrayDeque<Object>> free = new LinkedHashMap<>(16, 0.75f, true);
    private final long capBytes;
    private long cachedBytes;
    private boolean closed;

    CpuArrayCache() {
        this(CAP_BYTES);
    }

    /** A cache holding at most capBytes (tests). */
    CpuArrayCache(long capBytes) {
        this.capBytes = capBytes;
    }

    /** A float[] (FLOAT32) or int[] (INT32) of the given length, zero-filled if asked. */
    Object take(DType dtype, int length, boolean zeroed) {
        Object a = null;
        if (length > 0) {
            synchronized (this) {
                ArrayDeque<Object> q = free.get(key(dtype, length));
                if (q != null && !q.isEmpty()) {
                    a = q.pop();
                    cachedBytes -= 4L * length;
                }
            }
        }
        if (a == null) return dtype == DType.FLOAT32 ? new float[length] : new int[length];
        if (!zeroed) return a;
        if (a instanceof float[] f) Arrays.fill(f, 0f);
        else Arrays.fill((int[]) a, 0);
        return a;
    }

    /**
     * Keeps a closed buffer's array for reuse, first dropping the arrays of the sizes used least
     * recently if it would not fit; an array larger than the whole cap is not kept.
     */
    synchronized void give(DType dtype, Object array) {
        int length = array instanceof float[] f ? f.length : ((int[]) array).length;
        long bytes = 4L * length, key = key(dtype, length);
        if (closed || length == 0 || bytes > capBytes) return;
        for (Iterator<Map.Entry<Long, ArrayDeque<Object>>> it = free.entrySet().iterator(); cachedBytes + bytes > capBytes && it.hasNext(); ) {
            Map.Entry<Long, ArrayDeque<Object>> e = it.next();
            if (e.getKey() == key) continue;
            cachedBytes -= 4L * lengthOf(e.getKey()) * e.getValue().size();
            it.remove();
        }
        if (cachedBytes + bytes > capBytes) return;
        free.computeIfAbsent(key, k -> new ArrayDeque<>()).push(array);
        cachedBytes += bytes;
    }

    /** The bytes of the arrays the cache holds. */
    synchronized long cachedBytes() {
        return cachedBytes;
    }

    /** Drops every cached array (the heap ran short); later closed arrays are cached again. */
    synchronized void drop() {
        free.clear();
        cachedBytes = 0;
    }

    /** Drops every cached array and keeps none from now on (the device is closing). */
    synchronized void clear() {
        closed = true;
        free.clear();
        cachedBytes = 0;
    }

    /**
     * The length and dtype in the high 33 bits, a mix of them in the low 32: Long's hash code is
     * its two halves xor-ed, and the plain {@code length << 1 | dtype} of sizes that are multiples
     * of large powers of two (51,200, 2,560, 200,704) shared their low bits, so they fell into a
     * few of the map's buckets and each lookup walked a chain (4% of MNIST's MLP evaluation).
     */
    private static long key(DType dtype, int length) {
        long id = (long) length << 1 | (dtype == DType.FLOAT32 ? 0 : 1);
        return id << 32 | ((int) id * 0x9E3779B9 & 0xFFFFFFFFL);
    }

    private static long lengthOf(long key) {
        return key >>> 33;
    }
}
