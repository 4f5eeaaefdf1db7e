package io.neurite.device;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Device memory holding {@code length} elements of one {@link DType}. Owned: {@link #close()}
 * frees it at once (closing twice is harmless); any use after close, a copy out of range, or a
 * dtype mismatch throws a {@link DeviceException} naming the buffer, never a crash.
 *
 * <pre>{@code
 * try (Buffer b = device.allocate(DType.FLOAT32, 3)) {
 *     b.copyFrom(new float[] {1, 2, 3});
 *     float[] back = b.toFloatArray();
 * }
 * }</pre>
 *
 * Backends subclass it and implement the protected transfer and release methods; the checks
 * live here once.
 */
public abstract class Buffer implements AutoCloseable {
    private final Device device;
    private final DType dtype;
    private final long length;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile int[] range;

    protected Buffer(Device device, DType dtype, long length) {
        if (length < 0) throw new DeviceException("negative buffer length " + length);
        this.device = device;
        this.dtype = dtype;
        this.length = length;
        LeakTracker.track(this, closed);
    }

    public final Device device() {
        return device;
    }

    public final DType dtype() {
        return dtype;
    }

    /** Number of elements. */
    public final long length() {
        return length;
    }

    public final long byteSize() {
        return length * dtype.byteSize();
    }

    public final boolean isClosed() {
        return closed.get();
    }

    /** Copies count floats from src[srcOffset..] into this buffer at offset. */
    public final void copyFrom(float[] src, int srcOffset, long offset, int count) {
        check(DType.FLOAT32, offset, count, "copyFrom");
        java.util.Objects.checkFromIndexSize(srcOffset, count, src.length);
        timedWrite(MemorySegment.ofArray(src).asSlice((long) srcOffset * 4, (long) count * 4), offset);
    }

    /** Fills the buffer from a host array of exactly its length. */
    public final void copyFrom(float[] src) {
        requireLength(src.length);
        copyFrom(src, 0, 0, src.length);
    }

    public final void copyFrom(int[] src) {
        requireLength(src.length);
        check(DType.INT32, 0, src.length, "copyFrom");
        timedWrite(MemorySegment.ofArray(src), 0);
        int min = Integer.MAX_VALUE, max = Integer.MIN_VALUE;
        for (int v : src) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        range = new int[] {min, max};
    }

    /**
     * The least and greatest value of this int32 buffer as the host last wrote it whole
     * ({@link #copyFrom(int[])}), or null once a kernel or a partial copy may have changed it. A GPU
     * backend checks labels and ids against it instead of reading them back, so a training step
     * with labels from the host waits for nothing.
     */
    public final int[] hostRange() {
        int[] r = range;
        return r == null ? null : r.clone();
    }

    /** Called by the checked op set before an op writes this (int32) buffer. */
    final void forgetRange() {
        range = null;
    }

    /** Copies the bytes of src (little-endian elements of this buffer's dtype) in at element offset. */
    public final void copyFrom(MemorySegment src, long offset) {
        long count = src.byteSize() / dtype.byteSize();
        if (src.byteSize() % dtype.byteSize() != 0) {
            throw new DeviceException(this + ": segment of " + src.byteSize() + " bytes is not whole " + dtype + " elements");
        }
        check(dtype, offset, count, "copyFrom");
        range = null;
        timedWrite(src, offset);
    }

    /** Copies count floats from this buffer at offset into dst[dstOffset..]. */
    public final void copyTo(long offset, float[] dst, int dstOffset, int count) {
        check(DType.FLOAT32, offset, count, "copyTo");
        java.util.Objects.checkFromIndexSize(dstOffset, count, dst.length);
        timedRead(offset, MemorySegment.ofArray(dst).asSlice((long) dstOffset * 4, (long) count * 4));
    }

    /** Copies into dst, which holds whole elements, from element offset. */
    public final void copyTo(long offset, MemorySegment dst) {
        long count = dst.byteSize() / dtype.byteSize();
        check(dtype, offset, count, "copyTo");
        timedRead(offset, dst);
    }

    public final float[] toFloatArray() {
        float[] out = new float[Math.toIntExact(length)];
        copyTo(0, out, 0, out.length);
        return out;
    }

    public final int[] toIntArray() {
        check(DType.INT32, 0, length, "toIntArray");
        int[] out = new int[Math.toIntExact(length)];
        timedRead(0, MemorySegment.ofArray(out));
        return out;
    }

    /** Frees the device memory now. Idempotent. */
    @Override
    public final void close() {
        if (closed.compareAndSet(false, true)) {
            release();
            device.released(this);
        }
    }

    /** Throws if this buffer is closed. */
    public final void requireOpen() {
        if (closed.get()) throw new DeviceException("use of " + this + " after close()");
    }

    private void requireLength(int n) {
        if (n != length) throw new DeviceException(this + ": host array has " + n + " elements, buffer has " + length);
    }

    private void check(DType want, long offset, long count, String what) {
        requireOpen();
        if (dtype != want) throw new DeviceException(what + " of " + want + " data on " + this);
        if (offset < 0 || count < 0 || offset + count > length) {
            throw new DeviceException(what + " of " + count + " elements at offset " + offset + " is out of range for " + this);
        }
    }

    private void timedWrite(MemorySegment src, long offset) {
        long t0 = System.nanoTime();
        device.call(() -> write(src, offset));
        device.uploaded(src.byteSize(), System.nanoTime() - t0);
    }

    private void timedRead(long offset, MemorySegment dst) {
        long t0 = System.nanoTime();
        device.call(() -> read(offset, dst));
        device.downloaded(dst.byteSize(), System.nanoTime() - t0);
    }

    /** Copies src's bytes into the buffer starting at element offset; arguments are checked. */
    protected abstract void write(MemorySegment src, long offset);

    /** Copies dst.byteSize() bytes from element offset into dst; arguments are checked. */
    protected abstract void read(long offset, MemorySegment dst);

    /** Frees the memory; called once. */
    protected abstract void release();

    /** Reads one element as a float (int32 converted), for messages and tests. */
    public final float get(long index) {
        check(dtype, index, 1, "get");
        try (var arena = java.lang.foreign.Arena.ofConfined()) {
            MemorySegment one = arena.allocate(4);
            timedRead(index, one);
            return dtype == DType.FLOAT32 ? one.get(ValueLayout.JAVA_FLOAT, 0) : one.get(ValueLayout.JAVA_INT, 0);
        }
    }

    @Override
    public String toString() {
        return dtype.name().toLowerCase() + " buffer[" + length + "] on " + device.id() + (isClosed() ? " (closed)" : "");
    }
}
