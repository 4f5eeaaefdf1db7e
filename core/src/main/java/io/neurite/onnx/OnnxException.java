package io.neurite.onnx;

import java.io.IOException;
import java.util.List;

/**
 * An ONNX file that cannot be imported: unreadable, corrupt, or using what Neurite lacks. The
 * message is one line naming the file; {@link #problems()} lists every offending node.
 */
public final class OnnxException extends IOException {
    private static final int SHOWN = 20;
    private final transient List<Problem> problems;

    OnnxException(String message) {
        super(message);
        problems = List.of();
    }

    OnnxException(String message, Throwable cause) {
        super(message, cause);
        problems = List.of();
    }

    OnnxException(String file, List<Problem> problems) {
        super(message(file, problems));
        this.problems = List.copyOf(problems);
    }

    private static String message(String file, List<Problem> problems) {
        StringBuilder b = new StringBuilder(file).append(": cannot import ").append(problems.size())
                .append(problems.size() == 1 ? " part: " : " parts: ");
        for (int i = 0; i < Math.min(SHOWN, problems.size()); i++) b.append(i == 0 ? "" : "; ").append(problems.get(i));
        if (problems.size() > SHOWN) b.append("; and ").append(problems.size() - SHOWN).append(" more");
        return b.toString().replace('\n', ' ');
    }

    /** Every reason, in graph order (empty for an unreadable file). */
    public List<Problem> problems() {
        return problems;
    }
}
