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
        super(device, dtype, length);
        if (length > Integer.MAX_VALUE - 8) {
            throw new DeviceException(device.id() + ": " + length + " elements exceed a CPU buffer's limit of 2^31-9");
        }
        this.cache = cache;
        Object array = cache.take(dtype, (int) length, zeroed);
        if (dtype == DType.FLOAT32) floats = (float[]) array;
        else ints = (int[]) array;
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
