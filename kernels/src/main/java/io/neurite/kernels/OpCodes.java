package io.neurite.kernels;

import io.neurite.device.DeviceException;
import io.neurite.device.Op;

/**
 * The int codes by which one kernel serves several ops: the switches of binary_flat and
 * binary_strided (elementwise.h), activation and activation_backward (elementwise.h),
 * reduce_axis (reductions.h) and the softmax kernels (softmax.h). They must match those switches.
 */
final class OpCodes {
    private OpCodes() {
    }

    static int binary(Op op) {
        return switch (op) {
            case ADD -> 0;
            case SUBTRACT -> 1;
            case MULTIPLY -> 2;
            case DIVIDE -> 3;
            default -> throw new DeviceException(op + " is not a binary op");
        };
    }

    static int activation(Op op) {
        return switch (op) {
            case RELU -> 0;
            case LEAKY_RELU -> 1;
            case SIGMOID -> 2;
            case TANH -> 3;
            default -> throw new DeviceException(op + " is not an activation");
        };
    }

    /** SUM, MEAN, else MAX: the SPI lets only the reductions through. */
    static int reduction(Op op) {
        return op == Op.SUM ? 0 : op == Op.MEAN ? 1 : 2;
    }

    /** SOFTMAX, else LOG_SOFTMAX. */
    static int softmax(Op op) {
        return op == Op.SOFTMAX ? 0 : 1;
    }
}
