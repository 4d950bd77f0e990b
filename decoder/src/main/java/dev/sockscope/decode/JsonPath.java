package dev.sockscope.decode;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A field path as specs write it: names separated by dots, numbers index arrays ({@code payload.token},
 * {@code data.roles.0.name}).
 */
public record JsonPath(String text, List<String> parts) {

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static JsonPath parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("a field path must not be empty");
        }
        List<String> parts = new ArrayList<>();
        for (String p : text.trim().split("\\.", -1)) {
            if (p.isEmpty()) {
                throw new IllegalArgumentException("'" + text + "' is not a field path: empty name between dots");
            }
            parts.add(p);
        }
        return new JsonPath(text.trim(), List.copyOf(parts));
    }

    /** The node at this path, or null when any part is missing. A JSON null counts as missing. */
    public JsonNode find(JsonNode root) {
        JsonNode node = root;
        for (String p : parts) {
            if (node == null) {
                return null;
            }
            node = node.isArray() && isIndex(p) ? node.get(Integer.parseInt(p)) : node.get(p);
        }
        return node == null || node.isNull() || node.isMissingNode() ? null : node;
    }

    /** Replaces the value at this path, if present. */
    public boolean replace(JsonNode root, JsonNode value) {
        JsonNode parent = root;
        for (int i = 0; i < parts.size() - 1 && parent != null; i++) {
            String p = parts.get(i);
            parent = parent.isArray() && isIndex(p) ? parent.get(Integer.parseInt(p)) : parent.get(p);
        }
        String last = parts.get(parts.size() - 1);
        if (parent instanceof ObjectNode o && o.has(last)) {
            o.set(last, value);
            return true;
        }
        if (parent instanceof ArrayNode a && isIndex(last) && Integer.parseInt(last) < a.size()) {
            a.set(Integer.parseInt(last), value);
            return true;
        }
        return false;
    }

    /** The first part, when the path has one name only (used to scan malformed JSON for the label). */
    public boolean isTopLevel() {
        return parts.size() == 1;
    }

    private static boolean isIndex(String p) {
        if (p.isEmpty() || p.length() > 9) {
            return false;
        }
        for (int i = 0; i < p.length(); i++) {
            if (!Character.isDigit(p.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return text;
    }
}
