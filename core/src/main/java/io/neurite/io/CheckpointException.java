package io.neurite.io;

import java.io.IOException;

/**
 * A checkpoint file that cannot be used: truncated, corrupted, malformed, or not matching the
 * model it is loaded into. The message names the file and the problem (the tensor, the byte
 * offset, the expected and found shapes). Nothing has been changed when it is thrown.
 */
public final class CheckpointException extends IOException {
    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
