package io.neurite.device;

/**
 * A counter-based generator: the i-th number of a stream depends only on (seed, i), so every
 * backend, in any thread order, draws the same dropout mask. 32-bit arithmetic only, so the
 * OpenCL and CUDA kernels compute it bit for bit the same way (murmur3's finaliser).
 */
public final class CounterRandom {
    private CounterRandom() {
    }

    /** A uniform float in [0, 1) with 24 random bits. */
    public static float uniform(long seed, int i) {
        int h = mix(i * 0x9E3779B9 ^ (int) seed);
        h = mix(h ^ (int) (seed >>> 32));
        return (h >>> 8) * 0x1.0p-24f;
    }

    private static int mix(int h) {
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        h *= 0xC2B2AE35;
        h ^= h >>> 16;
        return h;
    }
}
