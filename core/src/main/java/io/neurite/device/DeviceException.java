package io.neurite.device;

/**
 * The one unchecked exception Neurite raises for device problems: bad shapes or sizes, use of a
 * closed buffer, buffers of two devices in one op, a backend error code. The message names the
 * device and the op so that a failure deep in training says where it came from.
 */
public class DeviceException extends RuntimeException {
    public DeviceException(String message) {
        super(message);
    }

    public DeviceException(String message, Throwable cause) {
        super(message, cause);
    }
}
