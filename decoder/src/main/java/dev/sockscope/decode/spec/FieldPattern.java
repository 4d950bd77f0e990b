package dev.sockscope.decode.spec;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * A pattern over field paths, in the dotted syntax of specs with wildcards: {@code payload.time},
 * {@code payload.messages[*].id} ({@code [*]} any index), {@code payload.*.id} ({@code *} any one field),
 * {@code **.time} ({@code **} any depth, including none). For fields whose values change from run to run
 * (times, ids), which a replay does not compare.
 */
public final class FieldPattern {
    private static final Pattern SEGMENT = Pattern.compile("([^.\\[\\]]+)|\\[(\\*|\\d+)]");
    private final String text;
    private final List<String> segments;

    private FieldPattern(String text, List<String> segments) {
        this.text = text;
        this.segments = segments;
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static FieldPattern parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("a field pattern is empty");
        }
        List<String> segments = new ArrayList<>();
        for (String dotted : text.trim().split("\\.", -1)) {
            if (dotted.isEmpty()) {
                throw new IllegalArgumentException("field pattern '" + text + "' has an empty part");
            }
            Matcher m = SEGMENT.matcher(dotted);
            int at = 0;
            while (at < dotted.length()) {
                if (!m.find(at) || m.start() != at) {
                    throw new IllegalArgumentException("field pattern '" + text + "': cannot read '" + dotted.substring(at) + "'");
                }
                segments.add(m.group(1) != null ? m.group(1) : "[" + m.group(2) + "]");
                at = m.end();
            }
        }
        return new FieldPattern(text.trim(), List.copyOf(segments));
    }

    /** @param path a field's path as segments: field names, and array indexes written {@code [3]} */
    public boolean matches(List<String> path) {
        return matches(0, path, 0);
    }

    private boolean matches(int i, List<String> path, int j) {
        if (i == segments.size()) {
            return j == path.size();
        }
        String s = segments.get(i);
        if (s.equals("**")) {
            for (int k = j; k <= path.size(); k++) {
                if (matches(i + 1, path, k)) {
                    return true;
                }
            }
            return false;
        }
        if (j == path.size()) {
            return false;
        }
        String p = path.get(j);
        boolean index = p.startsWith("[");
        boolean ok = s.equals(p) || (s.equals("*") && !index) || (s.equals("[*]") && index);
        return ok && matches(i + 1, path, j + 1);
    }

    @JsonValue
    public String text() {
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FieldPattern other && other.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }
}
