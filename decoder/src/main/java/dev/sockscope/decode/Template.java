package dev.sockscope.decode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * A one-line text built from a frame's fields, as specs write it:
 * <ul>
 *   <li>{@code {data.text}} the value at a field path; {@code {a.b,a.c}} the first of several that is present;
 *       {@code {data.codec,'VP8'}} a quoted literal as the last resort;</li>
 *   <li>{@code {data.duration|duration}} a value passed through a named filter ({@link Filters});
 *       {@code {data.roles|join:name}} a filter with an argument; {@code {a|nonzero|time}} filters in a row;</li>
 *   <li>{@code [ in group {data.group}]} an optional part, left out when a value inside it is missing;</li>
 *   <li>{@code \{ \} \[ \]} literal brackets.</li>
 * </ul>
 * A missing value outside an optional part shows as {@code ?}. Parsed once, when the spec loads.
 */
public final class Template {
    /** Longest text a single value contributes; summaries are one line, not a dump. */
    static final int MAX_VALUE_CHARS = 120;
    private static final String MISSING_MARK = "?";

    private sealed interface Part permits Literal, Value, Optional {
    }

    private record Literal(String text) implements Part {
    }

    /** A value and the filters it goes through; a filter's text feeds the next, except a guard's, which passes its input on. */
    private record Value(List<Object> alternatives, List<String> filterNames, List<Filters.Filter> filters,
                         List<String> arguments) implements Part {
    }

    private record Optional(List<Part> parts) implements Part {
    }

    private final String source;
    private final List<Part> parts;

    private Template(String source, List<Part> parts) {
        this.source = source;
        this.parts = parts;
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static Template parse(String source) {
        int[] pos = {0};
        List<Part> parts = parseParts(source, pos, false);
        return new Template(source, parts);
    }

    public String source() {
        return source;
    }

    /** Renders against a JSON tree; {@code names} are values that are not in the tree ({@code {name}}, {@code {value}}). */
    public String render(JsonNode tree, Map<String, String> names) {
        StringBuilder out = new StringBuilder();
        renderParts(parts, tree, names, out);
        return out.toString();
    }

    private static boolean renderParts(List<Part> parts, JsonNode tree, Map<String, String> names, StringBuilder out) {
        boolean complete = true;
        for (Part part : parts) {
            if (part instanceof Literal l) {
                out.append(l.text());
            } else if (part instanceof Value v) {
                String text = resolve(v, tree, names);
                if (text == null) {
                    complete = false;
                    out.append(MISSING_MARK);
                } else {
                    out.append(text);
                }
            } else if (part instanceof Optional o) {
                StringBuilder inner = new StringBuilder();
                if (renderParts(o.parts(), tree, names, inner)) {
                    out.append(inner);
                }
            }
        }
        return complete;
    }

    private static String resolve(Value v, JsonNode tree, Map<String, String> names) {
        for (Object alt : v.alternatives()) {
            if (alt instanceof String literal) {
                return literal;
            }
            JsonPath path = (JsonPath) alt;
            String named = path.isTopLevel() ? names.get(path.text()) : null;
            JsonNode node = named != null ? TextNode.valueOf(named) : tree == null ? null : path.find(tree);
            if (node == null) {
                continue;
            }
            String text = applyFilters(v, node);
            if (text != null) {
                return Filters.truncate(text, MAX_VALUE_CHARS);
            }
        }
        return null;
    }

    private static String applyFilters(Value v, JsonNode node) {
        if (v.filters().isEmpty()) {
            return Filters.plain(node);
        }
        JsonNode current = node;
        String text = null;
        for (int i = 0; i < v.filters().size(); i++) {
            text = v.filters().get(i).apply(current, v.arguments().get(i));
            if (text == null) {
                return null;
            }
            if (!Filters.isGuard(v.filterNames().get(i))) {
                current = TextNode.valueOf(text);
            }
        }
        return text;
    }

    private static List<Part> parseParts(String s, int[] pos, boolean inOptional) {
        List<Part> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        while (pos[0] < s.length()) {
            char c = s.charAt(pos[0]);
            if (c == '\\' && pos[0] + 1 < s.length()) {
                literal.append(s.charAt(pos[0] + 1));
                pos[0] += 2;
            } else if (c == '{') {
                flush(literal, parts);
                int end = s.indexOf('}', pos[0]);
                if (end < 0) {
                    throw new IllegalArgumentException("template '" + s + "': '{' at column " + (pos[0] + 1) + " is never closed");
                }
                parts.add(parseValue(s, s.substring(pos[0] + 1, end)));
                pos[0] = end + 1;
            } else if (c == '[') {
                flush(literal, parts);
                pos[0]++;
                parts.add(new Optional(parseParts(s, pos, true)));
            } else if (c == ']') {
                if (!inOptional) {
                    throw new IllegalArgumentException("template '" + s + "': ']' at column " + (pos[0] + 1)
                            + " closes nothing (write \\] for a literal bracket)");
                }
                flush(literal, parts);
                pos[0]++;
                return parts;
            } else if (c == '}') {
                throw new IllegalArgumentException("template '" + s + "': '}' at column " + (pos[0] + 1)
                        + " closes nothing (write \\} for a literal brace)");
            } else {
                literal.append(c);
                pos[0]++;
            }
        }
        if (inOptional) {
            throw new IllegalArgumentException("template '" + s + "': an optional part '[' is never closed");
        }
        flush(literal, parts);
        return parts;
    }

    private static Value parseValue(String template, String inner) {
        String[] pieces = inner.split("\\|");
        List<String> filterNames = new ArrayList<>();
        List<Filters.Filter> filters = new ArrayList<>();
        List<String> arguments = new ArrayList<>();
        for (int i = 1; i < pieces.length; i++) {
            String f = pieces[i].trim();
            int colon = f.indexOf(':');
            String name = colon < 0 ? f : f.substring(0, colon);
            Filters.Filter filter = Filters.named(name);
            if (filter == null) {
                throw new IllegalArgumentException("template '" + template + "': unknown filter '" + name
                        + "' (known: " + String.join(", ", Filters.names()) + ")");
            }
            filterNames.add(name.trim());
            filters.add(filter);
            arguments.add(colon < 0 ? null : f.substring(colon + 1));
        }
        List<Object> alternatives = new ArrayList<>();
        for (String alt : pieces[0].split(",")) {
            String a = alt.trim();
            if (a.length() >= 2 && a.startsWith("'") && a.endsWith("'")) {
                alternatives.add(a.substring(1, a.length() - 1));
            } else {
                alternatives.add(JsonPath.parse(a));
            }
        }
        return new Value(List.copyOf(alternatives), List.copyOf(filterNames), List.copyOf(filters),
                java.util.Collections.unmodifiableList(arguments));
    }

    private static void flush(StringBuilder literal, List<Part> parts) {
        if (literal.length() > 0) {
            parts.add(new Literal(literal.toString()));
            literal.setLength(0);
        }
    }

    @Override
    public String toString() {
        return source;
    }
}
