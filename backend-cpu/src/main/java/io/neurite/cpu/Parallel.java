package io.neurite.cpu;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.RecursiveAction;

/**
 * Splits loops across the cores. One pool of daemon threads for the whole backend; work smaller
 * than a grain runs on the caller's thread, because a hand-off costs microseconds and MNIST-sized
 * ops are often smaller than that.
 */
final class Parallel {
    /** Threads used: {@code -Dneurite.cpu.threads}, else every core. */
    static final int THREADS = Integer.getInteger("neurite.cpu.threads", Runtime.getRuntime().availableProcessors());
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
     * Runs body over [0, n) in up to {@link #THREADS} contiguous chunks of at least grain items.
     * Chunks are disjoint, so bodies that write only their own range need no locks.
     */
    static void forRange(int n, int grain, Range body) {
        int chunks = (int) Math.min(THREADS, Math.max(1, n / (long) Math.max(1, grain)));
        if (chunks <= 1 || ForkJoinTask.inForkJoinPool()) {
            if (n > 0) body.run(0, n);
            return;
        }
        ForkJoinTask<?>[] tasks = new ForkJoinTask<?>[chunks];
        for (int c = 0; c < chunks; c++) {
            int from = (int) ((long) n * c / chunks), to = (int) ((long) n * (c + 1) / chunks);
            tasks[c] = new RecursiveAction() {
                @Override
                protected void compute() {
                    body.run(from, to);
                }
            };
        }
        for (int c = 1; c < chunks; c++) POOL.execute(tasks[c]);
        tasks[0].invoke();
        for (int c = 1; c < chunks; c++) tasks[c].join();
    }
}
