package io.neurite.device;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

/**
 * The checks every op's arguments go through before a backend sees them: the device is open and
 * supports the op, each buffer is open, belongs to this device, has the right dtype and holds at
 * least the elements the op touches. Failures name the device, the op, the argument and the sizes.
 */
abstract class ArgumentChecks {
    final Device device;
    final Kernels k;
    /** The device's supported ops, read on first use: a backend's set is fixed, and copying it per op was measurable. */
    private Set<Op> supported;

    ArgumentChecks(Device device, Kernels k) {
        this.device = device;
        this.k = k;
    }

    final void op(Op op) {
        device.requireOpen();
        if (supported == null) supported = EnumSet.copyOf(device.supportedOps());
        if (!supported.contains(op)) {
            throw new DeviceException(device.id() + " does not support " + op + " (supported: " + device.supportedOps() + ")");
        }
    }

    final void f(Op op, String name, Buffer b, long needed) {
        buf(op, name, b, needed, DType.FLOAT32);
    }

    /** {@link #f} for an argument named by its role and the op's spec, a name built only for a message. */
    final void f(Op op, String role, Object spec, Buffer b, long needed) {
        if (b == null || b.device() != device || b.isClosed() || b.dtype() != DType.FLOAT32 || b.length() < needed) {
            f(op, role + " " + spec, b, needed);
        }
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
