package io.neurite.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** Writes the figures of a run as JSON (flat objects, lists and numbers are all we need). */
final class Json {
    private Json() {
    }

    static String of(Object v) {
        if (v == null) return "null";
        if (v instanceof Number || v instanceof Boolean) {
            if (v instanceof Double d && (d.isNaN() || d.isInfinite())) return "null";
            return v.toString();
        }
        if (v instanceof Map<?, ?> m) {
            StringBuilder sb = new StringBuilder("{");
            Iterator<? extends Map.Entry<?, ?>> it = m.entrySet().iterator();
            while (it.hasNext()) {
                var e = it.next();
                sb.append(of(String.valueOf(e.getKey()))).append(": ").append(of(e.getValue()));
                if (it.hasNext()) sb.append(", ");
            }
            return sb.append('}').toString();
        }
        if (v instanceof List<?> l) {
            StringBuilder sb = new StringBuilder("[");
            for (int i = 0; i < l.size(); i++) sb.append(i > 0 ? ", " : "").append(of(l.get(i)));
            return sb.append(']').toString();
        }
        StringBuilder sb = new StringBuilder("\"");
        for (char c : v.toString().toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                default -> {
                    if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        return sb.append('"').toString();
    }

    /** Writes the value to file through a temporary file renamed into place. */
    static void write(String file, Object value) throws IOException {
        OutputFiles.writeAtomically(Path.of(file), tmp -> Files.writeString(tmp, of(value) + "\n"));
    }
}
