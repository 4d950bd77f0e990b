package dev.sockscope.proxy.rules;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A parsed YAML or JSON document and the line of each of its nodes (by JSON pointer), so that a rule refused after
 * parsing is still named with its line. Two passes over the text: the tokens for the lines, then the tree.
 */
record LinedTree(JsonNode root, Map<String, Integer> lines) {
    static LinedTree parse(ObjectMapper mapper, byte[] content) throws IOException {
        Map<String, Integer> lines = new HashMap<>();
        JsonFactory factory = mapper.getFactory();
        try (JsonParser p = factory.createParser(content)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
                    continue;
                }
                int line = p.currentTokenLocation().getLineNr();
                String at = t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY
                        ? parentPointer(p) : p.getParsingContext().pathAsPointer().toString();
                lines.putIfAbsent(at, line);
            }
        }
        return new LinedTree(mapper.readTree(content), lines);
    }

    /** The pointer of the container just opened: its parent context's current path. */
    private static String parentPointer(JsonParser p) {
        var parent = p.getParsingContext().getParent();
        return parent == null ? "" : parent.pathAsPointer().toString();
    }

    /** The line of the node at {@code pointer}, or of its nearest ancestor that has one; 0 if none. */
    int lineOf(String pointer) {
        String at = pointer;
        while (true) {
            Integer line = lines.get(at);
            if (line != null) {
                return line;
            }
            if (at.isEmpty()) {
                return 0;
            }
            at = at.substring(0, Math.max(0, at.lastIndexOf('/')));
        }
    }
}
