package io.neurite.device;

import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One compute device: {@code cpu:0}, {@code opencl:1}, {@code cuda:0}. It allocates
 * {@link Buffer}s, runs the op set through {@link #ops()} and owns its native context until
 * {@link #close()}.
 *
 * <pre>{@code
 * try (Device d = Devices.best();
 *      Buffer a = d.allocate(DType.FLOAT32, 4); Buffer b = d.allocate(DType.FLOAT32, 4)) {
 *     a.copyFrom(new float[] {1, 2, 3, 4});
 *     d.ops().activation(Op.RELU, 0, 4, a, b);
 * }
 * }</pre>
 *
 * Backends extend this class; they implement {@link #kernels()} unchecked and this class wraps
 * it in the argument checks every backend shares.
 */
public abstract class Device implements AutoCloseable {
    private final DeviceInfo info;
    private final AtomicLong liveBuffers = new AtomicLong();
    /** Ops and copies running now: {@link #close()} waits for them before it frees the native context. */
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Counters counters = new Counters();
    private volatile boolean profiling;
    private Kernels timed;
    private volatile boolean closed;
    /** Set once close has waited out the calls in flight and freed the context; volatile for {@link #callsInProgress}. */
    private volatile boolean released;
    /** Not the device's own monitor: a call waited for may itself need {@link #ops()}. */
    private final Object closeLock = new Object();
    private Kernels checked;

    protected Device(DeviceInfo info) {
        this.info = info;
    }

    public final String id() {
        return info.id();
    }

    public final DeviceInfo info() {
        return info;
    }

    /** Name, memory, compute units and the kernels or libraries in use. */
    public String description() {
        return info.description();
    }

    /** Allocates a zero-filled buffer. */
    public final Buffer allocate(DType dtype, long length) {
        return allocate(dtype, length, true);
    }

    /**
     * Allocates a buffer whose contents are unspecified (a reused array may hold old values), for a
     * result that an op is about to write whole, such as a product with beta 0: it saves a pass
     * over memory that {@link #allocate} spends zeroing.
     */
    public final Buffer allocateUninitialized(DType dtype, long length) {
        return allocate(dtype, length, false);
    }

    private Buffer allocate(DType dtype, long length, boolean zeroed) {
        requireOpen();
        if (length < 0) throw new DeviceException(id() + ": cannot allocate " + length + " elements");
        Buffer b = zeroed ? allocateBuffer(dtype, length) : allocateBufferToOverwrite(dtype, length);
        liveBuffers.incrementAndGet();
        return b;
    }

    /** Allocates a float32 buffer holding a copy of data. */
    public final Buffer upload(float[] data) {
        return upload(data, 0, data.length);
    }

    /** Allocates a float32 buffer holding a copy of {@code data[offset .. offset + count)}. */
    public final Buffer upload(float[] data, int offset, int count) {
        java.util.Objects.checkFromIndexSize(offset, count, data.length);
        Buffer b = allocate(DType.FLOAT32, count, false);
        try {
            b.copyFrom(data, offset, 0, count);
        } catch (RuntimeException e) {
            b.close(); // the device closed under another thread, say: the half-made buffer must not leak
            throw e;
        }
        return b;
    }

    /** Allocates an int32 buffer holding a copy of data. */
    public final Buffer upload(int[] data) {
        Buffer b = allocate(DType.INT32, data.length, false);
        try {
            b.copyFrom(data);
        } catch (RuntimeException e) {
            b.close(); // the device closed under another thread, say: the half-made buffer must not leak
            throw e;
        }
        return b;
    }

    /** Buffers allocated and not yet closed; tests assert it returns to zero. */
    public final long liveBuffers() {
        return liveBuffers.get();
    }

    /**
     * Reads of this device's buffers into host memory so far (copyTo, toFloatArray, get, a
     * tensor's item()): each waits for the queue on a GPU, so a training loop keeps them off its
     * per-batch path, and tests count them.
     */
    public final long downloads() {
        return counters.downloads();
    }

    final void downloaded(long bytes, long nanos) {
        counters.downloaded(bytes, nanos);
    }

    final void uploaded(long bytes, long nanos) {
        counters.uploaded(bytes, nanos);
    }

    /** Counts one kernel launch of a GPU backend, for {@link #profile()}. */
    protected final void launched() {
        counters.launched();
    }

    /** Ops, launches, copies and waits so far ({@link Profile}); op time only while {@link #profileOps} is on. */
    public final Profile profile() {
        return counters.snapshot();
    }

    /** Turns the counting and timing of every op call on or off (off by default: it costs a reflective call an op). */
    public final synchronized void profileOps(boolean on) {
        profiling = on;
    }

    final void released(Buffer b) {
        liveBuffers.decrementAndGet();
    }

    /** The op set, with every argument checked before the backend runs it. */
    public final synchronized Kernels ops() {
        requireOpen();
        if (checked == null) checked = new CheckedKernels(this, kernels());
        if (!profiling) return checked;
        if (timed == null) timed = counters.timed(checked);
        return timed;
    }

    /** Whether this device implements op; {@link #ops()} refuses the others with a clear message. */
    public boolean supports(Op op) {
        return supportedOps().contains(op);
    }

    /** The ops this device implements; all of them unless a backend says otherwise. */
    public Set<Op> supportedOps() {
        return EnumSet.allOf(Op.class);
    }

    /**
     * Marks the start of one training step (its batch copied in, forward, loss, backward, update),
     * which {@link #endStep()} closes; fit calls both. A backend may record a step and replay the
     * recording when the next step queues the same work (CUDA graphs); by default nothing happens.
     * Nothing between the two may read back to the host, or the recording simply ends there.
     */
    public void beginStep() {
    }

    /** Closes the step {@link #beginStep()} opened. */
    public void endStep() {
    }

    /** Waits until every queued op and copy has finished. */
    public final void synchronize() {
        long t0 = System.nanoTime();
        try {
            synchronizeDevice();
        } finally {
            counters.waited(System.nanoTime() - t0);
        }
    }

    /** The backend's {@link #synchronize()}. */
    protected abstract void synchronizeDevice();

    /**
     * Releases the device context. Buffers still open are reported and then unusable. New ops and
     * copies are refused from the moment close begins; those already running on other threads are
     * waited for (up to {@link #CLOSE_WAIT_SECONDS} s), because freeing a context under a running
     * native call can crash the JVM, not just fail that call.
     */
    @Override
    public final void close() {
        closed = true;
        synchronized (closeLock) {
            if (released) return;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CLOSE_WAIT_SECONDS);
            while (inFlight.get() > 0) {
                if (System.nanoTime() > deadline) {
                    throw new DeviceException("cannot close " + id() + ": " + inFlight.get() + " op(s) on other threads still running after "
                            + CLOSE_WAIT_SECONDS + " s; the context stays allocated until close() is called again");
                }
                Thread.onSpinWait();
                Thread.yield();
            }
            released = true;
            closeDevice();
        }
    }

    /** How long {@link #close()} waits for ops running on other threads. */
    public static final int CLOSE_WAIT_SECONDS = 60;

    public final boolean isClosed() {
        return closed;
    }

    /**
     * Ops and copies running now on any thread (0 once close has returned). A call is counted
     * before it checks that the device is open, so once close has returned the count can only
     * hold calls on their way to being refused, which run no backend code: those are not reported.
     */
    public final int callsInProgress() {
        return released ? 0 : inFlight.get();
    }

    final void requireOpen() {
        if (closed) throw new DeviceException("device " + id() + " is closed");
    }

    /**
     * Runs a backend call with the device held open: counted before closed is read, so a close that
     * has seen no call in flight is certain every later call sees it closed.
     */
    final void call(Runnable backendCall) {
        inFlight.incrementAndGet();
        try {
            requireOpen();
            backendCall.run();
        } finally {
            inFlight.decrementAndGet();
        }
    }

    /** The backend's kernels, called only with checked arguments. */
    protected abstract Kernels kernels();

    protected abstract Buffer allocateBuffer(DType dtype, long length);

    /**
     * A buffer whose every element the caller writes before reading any ({@link #upload}): a
     * backend may skip zeroing it (the CPU backend's cached arrays). By default, {@link #allocateBuffer}.
     */
    protected Buffer allocateBufferToOverwrite(DType dtype, long length) {
        return allocateBuffer(dtype, length);
    }

    protected abstract void closeDevice();

    @Override
    public String toString() {
        return id() + " (" + description() + ")";
    }
}
