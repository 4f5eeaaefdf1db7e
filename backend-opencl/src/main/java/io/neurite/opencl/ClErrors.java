package io.neurite.opencl;

import io.neurite.device.DeviceException;
import org.jocl.CL;
import org.jocl.CLException;

/**
 * Turns OpenCL status codes into {@link DeviceException}s that say which device, which call and
 * which code ({@code CL_OUT_OF_RESOURCES}, not -5). JOCL's own {@link CLException} carries only the
 * code's name; the call and its arguments come from here. Allocation failures get a message of
 * their own, since the fix (smaller batches, fewer live buffers) is the user's.
 */
final class ClErrors {
    private ClErrors() {
    }

    /** The name of a status code, e.g. {@code CL_INVALID_KERNEL_NAME (-46)}. */
    static String name(int status) {
        return CL.stringFor_errorCode(status) + " (" + status + ")";
    }

    /** Whether a status means the device (or the host memory backing it) ran out of memory. */
    static boolean outOfMemory(int status) {
        return status == CL.CL_MEM_OBJECT_ALLOCATION_FAILURE || status == CL.CL_OUT_OF_RESOURCES
                || status == CL.CL_OUT_OF_HOST_MEMORY;
    }

    /** The exception for a failed call: device id, the call with its arguments, and the code's name. */
    static DeviceException failed(String device, String call, CLException e) {
        int status = e.getStatus();
        if (outOfMemory(status)) {
            return new DeviceException(device + ": out of device memory: " + call + " returned " + name(status)
                    + "; close buffers that are no longer needed or use smaller batches (the device stays usable)", e);
        }
        return new DeviceException(device + ": " + call + " returned " + name(status), e);
    }

    /** A call that returns a value. */
    @FunctionalInterface
    interface ClCall<T> {
        T run();
    }

    /** Runs call, turning a {@link CLException} into {@link #failed}'s exception. */
    static <T> T check(String device, String what, ClCall<T> call) {
        try {
            return call.run();
        } catch (CLException e) {
            throw failed(device, what, e);
        }
    }

    /** The same for calls that return nothing of interest. */
    static void run(String device, String what, Runnable call) {
        try {
            call.run();
        } catch (CLException e) {
            throw failed(device, what, e);
        }
    }
}
