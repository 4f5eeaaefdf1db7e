package io.neurite.cuda;

import io.neurite.device.DeviceException;

/** A CUDA driver call that failed; {@link #code()} is its {@code CUresult}. */
public final class CudaException extends DeviceException {
    private final int code;

    CudaException(String message, int code) {
        super(message);
        this.code = code;
    }

    /** The {@code CUresult} the driver returned. */
    public int code() {
        return code;
    }
}
