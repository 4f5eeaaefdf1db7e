package io.neurite.io;

import java.io.IOException;

/**
 * A checkpoint file that cannot be used: truncated, corrupted, malformed, or not matching the
 * model it is loaded into. The message names the file and the problem (the tensor, the byte
 * offset, the expected and found shapes) on one line: control characters quoted from the file
 * (a name or a stray byte) are written as {@code \n} or {@code \\uXXXX}. Nothing has been changed
 * when it is thrown.
 */
public final class CheckpointException extends IOException {
    public CheckpointException(String message) {
        super(oneLine(message));
    }

    public CheckpointException(String message, Throwable cause) {
        super(oneLine(message), cause);
    }

    private static String oneLine(String m) {
        if (m == null || m.chars().noneMatch(c -> c < 0x20 || c == 0x7F || c == 0x2028 || c == 0x2029)) return m;
        StringBuilder sb = new StringBuilder(m.length() + 16);
        for (int i = 0; i < m.length(); i++) {
            char c = m.charAt(i);
            switch (c) {
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7F || c == 0x2028 || c == 0x2029) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        return sb.toString();
    }
}
