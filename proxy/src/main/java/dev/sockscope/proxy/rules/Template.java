package dev.sockscope.proxy.rules;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Text with {@code ${/pointer}} placeholders, each replaced by the value at that JSON pointer of the matched message:
 * a string's text, any other value as JSON ({@code 7}, {@code {"a":1}}), nothing when missing or not JSON. So
 * {@code {"cmd":1,"seq":${/seq}}} answers a request with its own {@code seq}.
 */
public record Template(String source, List<String> parts) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Parses {@code source}; parts alternate text, pointer, text, ... (pointers at odd indexes). */
    public static Template parse(String source) {
        List<String> parts = new ArrayList<>();
        int at = 0;
        while (true) {
            int open = source.indexOf("${", at);
            if (open < 0) {
                parts.add(source.substring(at));
                return new Template(source, List.copyOf(parts));
            }
            int close = source.indexOf('}', open);
            if (close < 0) {
                throw new IllegalArgumentException("'${' at character " + (open + 1) + " has no closing '}'");
            }
            String pointer = source.substring(open + 2, close);
            Pointers.check(pointer);
            parts.add(source.substring(at, open));
            parts.add(pointer);
            at = close + 1;
        }
    }

    public String fill(byte[] message) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        JsonNode tree;
        try {
            tree = JSON.readTree(new String(message, StandardCharsets.UTF_8));
        } catch (Exception e) {
            tree = null;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < parts.size(); i++) {
            if (i % 2 == 0) {
                out.append(parts.get(i));
            } else if (tree != null) {
                JsonNode v = tree.at(parts.get(i));
                if (!v.isMissingNode()) {
                    out.append(v.isTextual() ? v.asText() : v.toString());
                }
            }
        }
        return out.toString();
    }
}
