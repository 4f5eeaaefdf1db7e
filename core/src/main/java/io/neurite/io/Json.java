package io.neurite.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON of checkpoint headers, model files and the bench's results: objects are
 * {@code LinkedHashMap}s (key order kept), arrays {@code ArrayList}s, whole numbers {@code Long},
 * other numbers {@code Double}.
 * The parser is strict (RFC 8259: no trailing commas, comments, duplicate keys or NaN) and names
 * the offset of any error (in characters, which are bytes for ASCII text); floats are written in
 * their shortest form ({@code 0.99f} as {@code 0.99}).
 */
public final class Json {
    private static final int MAX_DEPTH = 64;

    private final String text;
    private final String source;
    private final long base;
    private int pos;

    private Json(String text, String source, long base) {
        this.text = text;
        this.source = source;
        this.base = base;
    }

    /**
     * Parses one JSON value filling the text (surrounding white space allowed).
     *
     * @param source what the text is, for messages (a file name)
     * @param base   the text's offset in its file, so that messages give file offsets
     */
    public static Object parse(String text, String source, long base) throws CheckpointException {
        Json p = new Json(text, source, base);
        p.space();
        Object v = p.value(0);
        p.space();
        if (p.pos < text.length()) throw p.error("unexpected '" + text.charAt(p.pos) + "' after the JSON value");
        return v;
    }

    private CheckpointException error(String what) {
        return new CheckpointException(source + ": bad JSON at offset " + (base + pos) + ": " + what);
    }

    private void space() {
        while (pos < text.length() && " \t\r\n".indexOf(text.charAt(pos)) >= 0) pos++;
    }

    private char peek() throws CheckpointException {
        if (pos >= text.length()) throw error("unexpected end");
        return text.charAt(pos);
    }

    private void expect(char c) throws CheckpointException {
        if (peek() != c) throw error("expected '" + c + "', found '" + text.charAt(pos) + "'");
        pos++;
    }

    private Object value(int depth) throws CheckpointException {
        if (depth > MAX_DEPTH) throw error("nested deeper than " + MAX_DEPTH);
        char c = peek();
        return switch (c) {
            case '{' -> object(depth);
            case '[' -> array(depth);
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", null);
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) yield number();
                throw error("unexpected '" + c + "'");
            }
        };
    }

    private Object literal(String word, Object v) throws CheckpointException {
        if (!text.startsWith(word, pos)) throw error("expected " + word);
        pos += word.length();
        return v;
    }

    private Map<String, Object> object(int depth) throws CheckpointException {
        Map<String, Object> m = new LinkedHashMap<>();
        pos++;
        space();
        if (peek() == '}') {
            pos++;
            return m;
        }
        while (true) {
            space();
            if (peek() != '"') throw error("expected a key in quotes");
            int at = pos;
            String k = string();
            space();
            expect(':');
            space();
            if (m.containsKey(k)) {
                pos = at;
                throw error("duplicate key \"" + k + "\"");
            }
            m.put(k, value(depth + 1));
            space();
            if (peek() == '}') {
                pos++;
                return m;
            }
            expect(',');
        }
    }

    private List<Object> array(int depth) throws CheckpointException {
        List<Object> l = new ArrayList<>();
        pos++;
        space();
        if (peek() == ']') {
            pos++;
            return l;
        }
        while (true) {
            space();
            l.add(value(depth + 1));
            space();
            if (peek() == ']') {
                pos++;
                return l;
            }
            expect(',');
        }
    }

    private String string() throws CheckpointException {
        pos++;
        StringBuilder sb = new StringBuilder();
        while (true) {
            char c = peek();
            pos++;
            if (c == '"') return sb.toString();
            if (c < 0x20) throw error("control character in a string");
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            char e = peek();
            pos++;
            switch (e) {
                case '"', '\\', '/' -> sb.append(e);
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> {
                    if (pos + 4 > text.length()) throw error("short \\u escape");
                    try {
                        sb.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
                    } catch (NumberFormatException x) {
                        throw error("bad \\u escape");
                    }
                    pos += 4;
                }
                default -> throw error("bad escape \\" + e);
            }
        }
    }

    private Object number() throws CheckpointException {
        int start = pos;
        if (text.charAt(pos) == '-') pos++;
        boolean whole = true;
        while (pos < text.length() && "0123456789+-.eE".indexOf(text.charAt(pos)) >= 0) {
            if (".eE".indexOf(text.charAt(pos)) >= 0) whole = false;
            pos++;
        }
        String n = text.substring(start, pos);
        if (!n.matches("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?")) {
            pos = start;
            throw error("bad number '" + n + "'");
        }
        if (whole) {
            try {
                return Long.parseLong(n);
            } catch (NumberFormatException tooBig) {
                // beyond a long: keep it as a double, as most JSON readers do
            }
        }
        return Double.parseDouble(n);
    }

    /**
     * A JSON file's text, which must be UTF-8: a malformed byte is refused with its offset
     * ({@code Files.readString} would say only "Input length = 1").
     */
    public static String readFile(Path file) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(FileErrors.naming(file, () -> Files.readAllBytes(file)));
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(bytes).toString();
        } catch (CharacterCodingException e) {
            throw new CheckpointException(file + ": not UTF-8 text: malformed byte at offset " + bytes.position());
        }
    }

    /**
     * Compact JSON (no white space), as a safetensors header wants it. Values are null, Boolean,
     * Number, String, int[], Map and List; NaN, infinities and other types are an
     * {@link IllegalArgumentException}, since JSON cannot hold them.
     */
    public static String write(Object v) {
        StringBuilder sb = new StringBuilder();
        write(sb, v, -1, 0);
        return sb.toString();
    }

    /** Indented JSON for files people read; arrays of numbers stay on one line. */
    public static String pretty(Object v) {
        StringBuilder sb = new StringBuilder();
        write(sb, v, 2, 0);
        return sb.append('\n').toString();
    }

    private static void write(StringBuilder sb, Object v, int indent, int level) {
        switch (v) {
            case null -> sb.append("null");
            case Boolean b -> sb.append(b);
            case Float f -> sb.append(finite(f, Float.toString(f)));
            case Double d -> sb.append(finite(d, Double.toString(d)));
            case Number n -> sb.append(n);
            case String s -> quote(sb, s);
            case int[] a -> {
                List<Object> l = new ArrayList<>();
                for (int x : a) l.add(x);
                write(sb, l, indent, level);
            }
            case Map<?, ?> m -> {
                sb.append('{');
                Iterator<? extends Map.Entry<?, ?>> it = m.entrySet().iterator();
                while (it.hasNext()) {
                    var e = it.next();
                    newline(sb, indent, level + 1);
                    quote(sb, String.valueOf(e.getKey()));
                    sb.append(indent < 0 ? ":" : ": ");
                    write(sb, e.getValue(), indent, level + 1);
                    if (it.hasNext()) sb.append(',');
                }
                if (!m.isEmpty()) newline(sb, indent, level);
                sb.append('}');
            }
            case List<?> l -> {
                boolean flat = indent < 0 || l.stream().allMatch(x -> x instanceof Number);
                sb.append('[');
                for (int i = 0; i < l.size(); i++) {
                    if (i > 0) sb.append(flat && indent >= 0 ? ", " : ",");
                    if (!flat) newline(sb, indent, level + 1);
                    write(sb, l.get(i), indent, level + 1);
                }
                if (!flat && !l.isEmpty()) newline(sb, indent, level);
                sb.append(']');
            }
            default -> throw new IllegalArgumentException("cannot write a " + v.getClass().getSimpleName() + " as JSON");
        }
    }

    private static String finite(double d, String text) {
        if (Double.isNaN(d) || Double.isInfinite(d)) throw new IllegalArgumentException("JSON has no " + d);
        return text;
    }

    private static void newline(StringBuilder sb, int indent, int level) {
        if (indent >= 0) sb.append('\n').append(" ".repeat(indent * level));
    }

    private static void quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        sb.append('"');
    }
}
