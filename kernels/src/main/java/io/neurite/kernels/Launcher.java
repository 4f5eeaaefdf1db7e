package io.neurite.kernels;

/**
 * Queues kernels in the three launch shapes the kernels of neurite/common/ are written for; each
 * backend sizes them in its own terms (work-groups or blocks) and for its own device. Arguments
 * are the backend's buffers or device memory, {@link Integer}, {@link Float} or {@link Boolean}
 * (passed as an int), in the kernel's parameter order. Callers hold the device's lock.
 */
public interface Launcher {
    /** One work item per element 0..n-1 (the kernel ignores items past n); nothing when n is 0. */
    void items(KernelEntry kernel, long n, Object... args);

    /**
     * A walk over rows of length elements (CHUNKED in prelude.h): the kernel's first two arguments
     * are the number of work items and the elements of a row each takes, then args.
     */
    void rows(KernelEntry kernel, long rows, int length, Object... args);

    /** One work-group per output of a tree reduction (a power of two of items); nothing when groups is 0. */
    void groups(KernelEntry kernel, long groups, Object... args);
}
