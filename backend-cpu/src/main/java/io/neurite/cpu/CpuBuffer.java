package io.neurite.cpu;

import io.neurite.device.Buffer;
import io.neurite.device.DType;
import io.neurite.device.Device;
import io.neurite.device.DeviceException;
import java.lang.foreign.MemorySegment;

/**
 * A CPU buffer: a Java array, so the Vector API reads it with {@code fromArray}, the fastest path
 * it has. Closing hands the array back to the device's {@link CpuArrayCache} for the next buffer
 * of its size; kernels only see buffers that passed the open check.
 */
final class CpuBuffer extends Buffer {
    private final CpuArrayCache cache;
    private float[] floats;
    private int[] ints;

    /** @param zeroed whether the elements must start at zero (else a reused array keeps old values for the caller to overwrite) */
    CpuBuffer(Device device, DType dtype, long length, CpuArrayCache cache, boolean zeroed) {
        Object array = array(device, dtype, length, cache, zeroed); // before super: a refused size leaves no tracked buffer
        super(device, dtype, length);
        this.cache = cache;
        if (dtype == DType.FLOAT32) floats = (float[]) array;
        else ints = (int[]) array;
    }

    /**
     * The array of a new buffer, or a DeviceException saying how large it was and what to change: a
     * Java array holds at most 2^31-9 elements, and the heap what -Xmx gives (the bench's --batch
     * sizes most of its buffers). A request larger than the whole heap is refused without trying.
     */
    private static Object array(Device device, DType dtype, long length, CpuArrayCache cache, boolean zeroed) {
        long bytes = 4L * length, max = Runtime.getRuntime().maxMemory();
        if (length > Integer.MAX_VALUE - 8) throw refused(device, dtype, length, ", more than a CPU buffer's limit of 2^31-9 elements");
        if (bytes > max) throw refused(device, dtype, length, ", more than the Java heap's maximum of " + mib(max));
        try {
            return cache.take(dtype, (int) length, zeroed);
        } catch (OutOfMemoryError e) {
            cache.drop(); // the cached arrays (other sizes) may be what fills the heap: free them and try once more
        }
        try {
            return cache.take(dtype, (int) length, zeroed);
        } catch (OutOfMemoryError e) {
            Runtime r = Runtime.getRuntime();
            throw refused(device, dtype, length, ": the Java heap has " + mib(r.maxMemory() - r.totalMemory() + r.freeMemory())
                    + " free of " + mib(r.maxMemory()));
        }
    }

    /**
     * The error for a refused allocation, built only when one is refused: every buffer of every
     * training step passes here, and formatting the message up front cost 2% of a LeNet run and a
     * C2 compilation of DecimalFormat in the first epoch.
     */
    private static DeviceException refused(Device device, DType dtype, long length, String why) {
        return new DeviceException(device.id() + ": cannot allocate " + length + " " + dtype.name().toLowerCase(java.util.Locale.ROOT)
                + " elements (" + mib(4L * length) + ")" + why + ": use a smaller --batch or model, or give the JVM more memory with -Xmx");
    }

    private static String mib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%,.1f MiB", bytes / 1048576.0);
    }

    /** The backing floats of a float32 buffer. */
    static float[] f(Buffer b) {
        return ((CpuBuffer) b).floats;
    }

    /** The backing ints of an int32 buffer. */
    static int[] i(Buffer b) {
        return ((CpuBuffer) b).ints;
    }

    private MemorySegment segment() {
        return floats != null ? MemorySegment.ofArray(floats) : MemorySegment.ofArray(ints);
    }

    @Override
    protected void write(MemorySegment src, long offset) {
        MemorySegment.copy(src, 0, segment(), offset * 4, src.byteSize());
    }

    @Override
    protected void read(long offset, MemorySegment dst) {
        MemorySegment.copy(segment(), offset * 4, dst, 0, dst.byteSize());
    }

    @Override
    protected void release() {
        cache.give(dtype(), floats != null ? floats : ints);
        floats = null;
        ints = null;
    }
}
