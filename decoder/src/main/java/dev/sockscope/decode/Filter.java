package dev.sockscope.decode;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One filter of a summary template ({@code {data.duration|duration}}), chosen and checked when the spec loads. A
 * filter returns null when the value should count as missing. The formatting itself lives in {@link Filters}.
 */
public sealed interface Filter permits Filter.Named, Filter.Join {

    /** The filtered text, or null when the value should count as missing. */
    String apply(JsonNode value);

    /** A guard drops a value (a zero, an empty text) or passes its input on unchanged: {@code {x|nonzero|time}}. */
    default boolean isGuard() {
        return false;
    }

    /** A filter as a template writes it ({@code count}, {@code join:name}); unknown names and stray arguments are refused. */
    static Filter parse(String text) {
        String t = text.trim();
        int colon = t.indexOf(':');
        String name = (colon < 0 ? t : t.substring(0, colon)).trim();
        String argument = colon < 0 ? null : t.substring(colon + 1).trim();
        if (name.equals(Join.NAME)) {
            return new Join(argument == null || argument.isEmpty() ? null : argument);
        }
        for (Named n : Named.values()) {
            if (n.label.equals(name)) {
                if (argument != null) {
                    throw new IllegalArgumentException("filter '" + name + "' takes no argument (only join:field does)");
                }
                return n;
            }
        }
        throw new IllegalArgumentException("unknown filter '" + name + "' (known: " + String.join(", ", names()) + ")");
    }

    /** Every filter's name, in the order docs/decoders.md lists them. */
    static List<String> names() {
        List<String> out = new ArrayList<>();
        out.add(Named.COUNT.label);
        out.add(Join.NAME);
        for (Named n : Named.values()) {
            if (n != Named.COUNT) {
                out.add(n.label);
            }
        }
        return out;
    }

    /** The filters that take no argument. */
    enum Named implements Filter {
        COUNT("count", v -> String.valueOf(v.size())),
        JSON("json", JsonNode::toString),
        DURATION("duration", v -> v.isNumber() ? Filters.duration(v.asLong()) : Filters.plain(v)),
        TIME("time", Filters::time),
        BITRATE("bitrate", v -> v.isNumber() ? Filters.bitrate(v.asDouble()) : Filters.plain(v)),
        BYTES("bytes", v -> v.isNumber() ? Filters.bytes(v.asLong()) : Filters.plain(v)),
        NONZERO("nonzero", v -> v.isNumber() && v.asDouble() == 0 ? null : Filters.plain(v)),
        NONEMPTY("nonempty", v -> (v.isTextual() && v.asText().isBlank()) || (v.isContainerNode() && v.isEmpty())
                ? null : Filters.plain(v)),
        TEXT("text", Filters::text),
        SEGMENTS("segments", Filters::segments),
        QUOTE("quote", v -> "“" + Filters.plain(v) + "”"),
        KEYS("keys", v -> v.isObject() ? String.join(", ", Filters.fieldNames(v)) : null);

        private final String label;
        private final Function<JsonNode, String> format;

        Named(String label, Function<JsonNode, String> format) {
            this.label = label;
            this.format = format;
        }

        @Override
        public String apply(JsonNode value) {
            return format.apply(value);
        }

        @Override
        public boolean isGuard() {
            return this == NONZERO || this == NONEMPTY;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    /** The items of an array joined by ", ", or {@code field} of each item ({@code join:name}); other values as they are. */
    record Join(String field) implements Filter {
        static final String NAME = "join";

        @Override
        public String apply(JsonNode value) {
            if (!value.isArray()) {
                return Filters.plain(value);
            }
            List<String> items = new ArrayList<>();
            for (JsonNode item : value) {
                String s = Filters.plain(field == null ? item : item.get(field));
                if (s != null) {
                    items.add(s);
                }
            }
            return items.isEmpty() ? null : String.join(", ", items);
        }

        @Override
        public String toString() {
            return field == null ? NAME : NAME + ":" + field;
        }
    }
}
