package io.neurite.conformance;

import io.neurite.device.Device;
import io.neurite.device.Op;

/**
 * A finite-difference gradient check of one backward op with respect to one input. The kit
 * differentiates {@code L(x) = sum_i dy[i] forward(x)[i]} numerically, in double, with central
 * differences on the naive reference {@link #forward}, and compares with what the device's
 * backward op returns for the same x and dy.
 *
 * @param op       the op whose backward is checked
 * @param name     which input and which shapes
 * @param x        the point at which to differentiate (kept away from kinks by the case)
 * @param dy       the upstream gradient, as long as forward's output
 * @param forward  naive forward in double, x to output (other inputs fixed inside)
 * @param backward the device's gradient of L with respect to x, as floats
 * @param tolerance on the relative error |analytic - numeric| / max(1, |numeric|) per element
 */
public record GradCase(Op op, String name, double[] x, double[] dy, Forward forward, Backward backward, double tolerance) {
    @FunctionalInterface
    public interface Forward {
        double[] apply(double[] x);
    }

    @FunctionalInterface
    public interface Backward {
        float[] on(Device device, float[] x, float[] dy);
    }

    @Override
    public String toString() {
        return op + " d/d" + name;
    }
}
