package io.neurite.device;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.LongAdder;

/** A device's running {@link Profile}: adders, since several threads may use one device. */
final class Counters {
    private final LongAdder ops = new LongAdder(), opNanos = new LongAdder(), launches = new LongAdder();
    private final LongAdder uploads = new LongAdder(), uploadBytes = new LongAdder(), uploadNanos = new LongAdder();
    private final LongAdder downloads = new LongAdder(), downloadBytes = new LongAdder(), downloadNanos = new LongAdder();
    private final LongAdder waits = new LongAdder(), waitNanos = new LongAdder();
    /** Op calls in progress on this thread: an op that calls another through ops() is timed once. */
    private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    Profile snapshot() {
        return new Profile(ops.sum(), opNanos.sum(), launches.sum(), uploads.sum(), uploadBytes.sum(), uploadNanos.sum(),
                downloads.sum(), downloadBytes.sum(), downloadNanos.sum(), waits.sum(), waitNanos.sum());
    }

    long downloads() {
        return downloads.sum();
    }

    void launched() {
        launches.increment();
    }

    /** A copy or wait inside an op call (a GPU backend's host check reading labels, say) is its own line, not the op's. */
    private void outsideOps(long nanos) {
        if (DEPTH.get()[0] > 0) opNanos.add(-nanos);
    }

    void uploaded(long bytes, long nanos) {
        outsideOps(nanos);
        uploads.increment();
        uploadBytes.add(bytes);
        uploadNanos.add(nanos);
    }

    void downloaded(long bytes, long nanos) {
        outsideOps(nanos);
        downloads.increment();
        downloadBytes.add(bytes);
        downloadNanos.add(nanos);
    }

    void waited(long nanos) {
        outsideOps(nanos);
        waits.increment();
        waitNanos.add(nanos);
    }

    /** kernels with every call counted and timed (a proxy: only while profiling, as each call boxes its arguments). */
    Kernels timed(Kernels kernels) {
        return (Kernels) Proxy.newProxyInstance(Kernels.class.getClassLoader(), new Class<?>[] {Kernels.class}, (proxy, m, args) -> {
            int[] depth = DEPTH.get();
            long t0 = System.nanoTime();
            depth[0]++;
            try {
                return m.invoke(kernels, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            } finally {
                if (--depth[0] == 0) {
                    ops.increment();
                    opNanos.add(System.nanoTime() - t0);
                }
            }
        });
    }
}
