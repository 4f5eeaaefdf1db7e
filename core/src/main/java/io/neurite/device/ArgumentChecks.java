package io.neurite.device;

import java.util.Arrays;

/**
 * The checks every op's arguments go through before a backend sees them: the device is open and
 * supports the op, each buffer is open, belongs to this device, has the right dtype and holds at
 * least the elements the op touches. Failures name the device, the op, the argument and the sizes.
 */
abstract class ArgumentChecks {
    final Device device;
    final Kernels k;

    ArgumentChecks(Device device, Kernels k) {
        this.device = device;
        this.k = k;
    }

    final void op(Op op) {
        device.requireOpen();
        if (!device.supports(op)) {
            throw new DeviceException(device.id() + " does not support " + op + " (supported: " + device.supportedOps() + ")");
        }
    }

    final void f(Op op, String name, Buffer b, long needed) {
        buf(op, name, b, needed, DType.FLOAT32);
    }

    final void i(Op op, String name, Buffer b, long needed) {
        buf(op, name, b, needed, DType.INT32);
    }

    final void buf(Op op, String name, Buffer b, long needed, DType dtype) {
        if (b == null) throw new DeviceException(op + " on " + device.id() + ": " + name + " is null");
        if (b.device() != device) {
            throw new DeviceException(op + " on " + device.id() + ": " + name + " is " + b + ", a buffer of another device");
        }
        if (b.isClosed()) throw new DeviceException(op + " on " + device.id() + ": " + name + " is closed");
        if (b.dtype() != dtype) throw new DeviceException(op + " on " + device.id() + ": " + name + " must be " + dtype + ", is " + b);
        if (b.length() < needed) {
            throw new DeviceException(op + " on " + device.id() + ": " + name + " needs " + needed + " elements, " + b + " has " + b.length());
        }
    }

    static void positive(Op op, int... dims) {
        for (int d : dims) if (d < 0) throw new DeviceException(op + ": negative size in " + Arrays.toString(dims));
    }
}
