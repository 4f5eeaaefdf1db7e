package io.neurite.kernels.gpu;

/**
 * How a backend's device sizes launches, beyond what each kernel reports of itself.
 *
 * @param reduceThreads REDUCE_WG the program was compiled with: the tree reductions' shared buffer,
 *                      so no reduction block may have more threads
 * @param rowRun        elements of a row each thread of a row walk takes (CHUNKED in prelude.h): 1 on
 *                      a GPU, so neighbouring threads touch neighbouring addresses; more on a CPU
 *                      driver, where a thread is scalar code and a run amortises its index arithmetic
 * @param maxGridX      the most blocks along x
 * @param maxGridYZ     the most blocks along y and along z (CUDA: 65535)
 */
public record LaunchLimits(int reduceThreads, int rowRun, long maxGridX, long maxGridYZ) {
    public LaunchLimits {
        if (reduceThreads < 1 || Integer.bitCount(reduceThreads) != 1) {
            throw new IllegalArgumentException("reduceThreads must be a power of two, not " + reduceThreads);
        }
        if (rowRun < 1 || maxGridX < 1 || maxGridYZ < 1 || maxGridX > Integer.MAX_VALUE || maxGridYZ > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("launch limits must be in 1..2^31-1: " + rowRun + ", " + maxGridX + ", " + maxGridYZ);
        }
    }
}
