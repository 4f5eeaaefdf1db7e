package io.neurite.cpu;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Splits loops across the cores. One pool of daemon threads for the whole backend; work smaller
 * than a grain runs on the caller's thread, because a hand-off costs microseconds and MNIST-sized
 * ops are often smaller than that.
 *
 * <p>A split loop is cut into a fixed list of chunks (fixed by n, the grain and the thread count,
 * never by timing) that the caller and the helpers claim one at a time. The caller starts on the
 * first chunk at once and keeps claiming, so a helper that a busy machine schedules late costs
 * at most the chunk it is running when the caller runs out, never the whole loop waiting for it
 * to wake up (with one chunk per thread, a late helper doubled or tripled an op's time on a
 * loaded two-core machine). Which thread runs a chunk never changes a result: bodies write their
 * own ranges, and reductions cut their work into parts before calling this.
 */
final class Parallel {
    /** Threads used: {@code -Dneurite.cpu.threads}, else every core. */
    static final int THREADS = Integer.getInteger("neurite.cpu.threads", Runtime.getRuntime().availableProcessors());
    /** Chunks per thread when a loop is split: enough for the caller to take over a late helper's share. */
    private static final int CHUNKS_PER_THREAD = 4;
    /** Spins while waiting for a helper's last chunk before parking (a chunk is typically microseconds). */
    private static final int SPINS = 1 << 12;
    private static final ForkJoinPool POOL = new ForkJoinPool(THREADS, pool -> {
        var t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
        t.setDaemon(true);
        t.setName("neurite-cpu-" + t.getPoolIndex());
        return t;
    }, null, false);

    /** A body over the half-open range [from, to). */
    @FunctionalInterface
    interface Range {
        void run(int from, int to);
    }

    private Parallel() {
    }

    /**
     * Runs body over [0, n) in contiguous chunks of at least grain items, spread over up to
     * {@link #THREADS} threads. Chunks are disjoint, so bodies that write only their own range
     * need no locks.
     */
    static void forRange(int n, int grain, Range body) {
        long byGrain = Math.max(1, n / (long) Math.max(1, grain));
        if (THREADS <= 1 || byGrain <= 1 || ForkJoinTask.inForkJoinPool()) {
            if (n > 0) body.run(0, n);
            return;
        }
        new Split(n, (int) Math.min(byGrain, (long) THREADS * CHUNKS_PER_THREAD), body).run();
    }

    /** One split loop: its chunks, the next one to claim, and how many are done. */
    private static final class Split {
        private final int n, chunks;
        private final Range body;
        private final AtomicInteger next = new AtomicInteger(), done = new AtomicInteger();
        private final Thread caller = Thread.currentThread();
        private volatile Throwable failure;

        Split(int n, int chunks, Range body) {
            this.n = n;
            this.chunks = chunks;
            this.body = body;
        }

        void run() {
            int helpers = Math.min(THREADS, chunks) - 1;
            for (int h = 0; h < helpers; h++) POOL.execute(this::work);
            work();
            for (int spin = 0; done.get() < chunks; spin++) {
                if (spin < SPINS) Thread.onSpinWait();
                else LockSupport.parkNanos(this, 50_000);
            }
            Throwable t = failure;
            if (t instanceof RuntimeException e) throw e;
            if (t instanceof Error e) throw e;
        }

        /** Claims and runs chunks until none is left; the last to finish wakes the caller. */
        private void work() {
            for (int c; (c = next.getAndIncrement()) < chunks; ) {
                try {
                    if (failure == null) body.run((int) ((long) n * c / chunks), (int) ((long) n * (c + 1) / chunks));
                } catch (Throwable t) {
                    if (failure == null) failure = t;
                } finally {
                    if (done.incrementAndGet() == chunks && Thread.currentThread() != caller) LockSupport.unpark(caller);
                }
            }
        }
    }
}
