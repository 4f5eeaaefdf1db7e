package io.neurite.opencl;

import io.neurite.device.DeviceException;

/**
 * An OpenCL program that failed to compile: the message names the device and the program (the
 * kernel or kernel file it holds) and carries the compiler's build log, which JOCL does not fetch.
 */
public final class ClBuildException extends DeviceException {
    private final String program;
    private final String log;

    ClBuildException(String device, String program, String status, String log) {
        super(device + ": building OpenCL program '" + program + "' failed with " + status + ". Build log:\n"
                + (log.isBlank() ? "(empty)" : log));
        this.program = program;
        this.log = log;
    }

    /** The name the program was built under: its kernel, or the kernel file. */
    public String program() {
        return program;
    }

    /** The compiler's output. */
    public String buildLog() {
        return log;
    }
}
