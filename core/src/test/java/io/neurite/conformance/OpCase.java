package io.neurite.conformance;

import io.neurite.device.Device;
import io.neurite.device.Op;

/**
 * One conformance case: an op with its parameters and seeded inputs. {@link #run} performs it on
 * any device and returns the outputs on the host (closing every buffer it made); the kit runs it
 * on the device under test and on the CPU oracle and compares. Where {@link #reference} is given,
 * naive loops in double also check the result, so the oracle itself is checked.
 *
 * @param op        the op under test
 * @param name      parameters and shapes, shown in test names and failures
 * @param tolerance how far outputs may differ
 * @param run       performs the op on a device; returns each output as floats (int outputs converted)
 * @param reference naive double-precision expected outputs in the same order, or null
 */
public record OpCase(Op op, String name, Tolerance tolerance, Run run, Reference reference) {
    /** Performs the op on a device. */
    @FunctionalInterface
    public interface Run {
        float[][] on(Device device);
    }

    /** Computes the expected outputs with plain loops in double. */
    @FunctionalInterface
    public interface Reference {
        double[][] compute();
    }

    @Override
    public String toString() {
        return op + " " + name;
    }
}
