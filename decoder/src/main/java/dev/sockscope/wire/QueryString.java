package dev.sockscope.wire;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A URL query ({@code sid=2&token=a%2Bb}) as its parameters, in order: the one parser for the handshake's
 * explanation, detection, secret masking and the demo's simulators.
 */
public final class QueryString {
    private QueryString() {
    }

    /** One {@code name=value} segment exactly as sent, with its name and value as sent and URL-decoded. */
    public record Param(String text) {
        public String rawName() {
            int eq = text.indexOf('=');
            return eq < 0 ? text : text.substring(0, eq);
        }

        /** The value as sent; empty when the segment has no {@code =}. */
        public String rawValue() {
            int eq = text.indexOf('=');
            return eq < 0 ? "" : text.substring(eq + 1);
        }

        public String name() {
            return decode(rawName());
        }

        public String value() {
            return decode(rawValue());
        }
    }

    /** Every segment between {@code &}s, empty ones too, so that joining their texts gives the query back. */
    public static List<Param> parse(String query) {
        List<Param> out = new ArrayList<>();
        if (query == null || query.isEmpty()) {
            return out;
        }
        for (String segment : query.split("&", -1)) {
            out.add(new Param(segment));
        }
        return out;
    }

    /** Decoded name to decoded value, the last of a repeated name winning, empty segments left out. */
    public static Map<String, String> decoded(String query) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Param p : parse(query)) {
            if (!p.text().isEmpty()) {
                out.put(p.name(), p.value());
            }
        }
        return out;
    }

    /** URL-decoded, or as it is when it is not valid URL encoding (a stray {@code %}). */
    public static String decode(String raw) {
        try {
            return URLDecoder.decode(raw, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return raw;
        }
    }
}
