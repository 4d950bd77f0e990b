package dev.sockscope.decode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * A one-line text built from a frame's fields, as specs write it:
 * <ul>
 *   <li>{@code {data.text}} the value at a field path; {@code {a.b,a.c}} the first of several that is present;
 *       {@code {data.codec,'VP8'}} a quoted literal as the last resort;</li>
 *   <li>{@code {data.duration|duration}} a value passed through a named filter ({@link Filter});
 *       {@code {data.roles|join:name}} a filter with an argument; {@code {a|nonzero|time}} filters in a row;</li>
 *   <li>{@code [ in group {data.group}]} an optional part, left out when a value inside it is missing;</li>
 *   <li>{@code \{ \} \[ \]} literal brackets.</li>
 * </ul>
 * A missing value outside an optional part shows as {@code ?}. Parsed into typed parts when the spec loads, so a
 * render only walks them; a bad template is refused then, with the template and the problem.
 */
public final class Template {
    /** Longest text a single value contributes; summaries are one line, not a dump. */
    static final int MAX_VALUE_CHARS = 120;
    private static final String MISSING_MARK = "?";
    /** The values a decoder passes beside the tree ({@code {name}}, {@code {value}}); they win over a field so named. */
    private static final Set<String> NAMES = Set.of("name", "value");

    /** A piece of a template. */
    sealed interface Part permits Literal, Value, Optional {
    }

    record Literal(String text) implements Part {
    }

    /** The first present of {@code sources}, through {@code filters} in order. */
    record Value(List<Source> sources, List<Filter> filters) implements Part {
    }

    /** Left out whole when a value inside it is missing. */
    record Optional(List<Part> parts) implements Part {
    }

    /** Where a value comes from. */
    sealed interface Source permits Field, Named, Quoted {
    }

    /** A field of the frame's tree. */
    record Field(JsonPath path) implements Source {
    }

    /** A value the decoder passes beside the tree ({@code name}, {@code value}); the field of that name if it passes none. */
    record Named(String name, JsonPath field) implements Source {
    }

    /** A quoted literal, the last resort: shown as written, through no filter. */
    record Quoted(String text) implements Source {
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

    /** The typed parts, as parsed when the spec loaded. */
    List<Part> parts() {
        return parts;
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
        for (Source s : v.sources()) {
            JsonNode node;
            if (s instanceof Quoted q) {
                return q.text();
            } else if (s instanceof Named n) {
                String named = names.get(n.name());
                node = named != null ? TextNode.valueOf(named) : n.field().find(tree);
            } else {
                node = ((Field) s).path().find(tree);
            }
            String text = node == null ? null : applyFilters(v.filters(), node);
            if (text != null) {
                return Filters.truncate(text, MAX_VALUE_CHARS);
            }
        }
        return null;
    }

    /** A filter's text feeds the next filter, except a guard's, which passes its input on. */
    private static String applyFilters(List<Filter> filters, JsonNode node) {
        if (filters.isEmpty()) {
            return Filters.plain(node);
        }
        JsonNode current = node;
        String text = null;
        for (Filter filter : filters) {
            text = filter.apply(current);
            if (text == null) {
                return null;
            }
            if (!filter.isGuard()) {
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
                return List.copyOf(parts);
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
        return List.copyOf(parts);
    }

    private static Value parseValue(String template, String inner) {
        String[] pieces = inner.split("\\|");
        try {
            List<Filter> filters = new ArrayList<>();
            for (int i = 1; i < pieces.length; i++) {
                filters.add(Filter.parse(pieces[i]));
            }
            List<Source> sources = new ArrayList<>();
            for (String alt : pieces[0].split(",")) {
                sources.add(parseSource(alt.trim()));
            }
            return new Value(List.copyOf(sources), List.copyOf(filters));
        } catch (IllegalArgumentException e) {
            // No cause attached: a spec error reports the innermost message, and this one names the template.
            throw new IllegalArgumentException("template '" + template + "': " + e.getMessage());
        }
    }

    private static Source parseSource(String text) {
        if (text.length() >= 2 && text.startsWith("'") && text.endsWith("'")) {
            return new Quoted(text.substring(1, text.length() - 1));
        }
        JsonPath path = JsonPath.parse(text);
        return path.isTopLevel() && NAMES.contains(path.text()) ? new Named(path.text(), path) : new Field(path);
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
