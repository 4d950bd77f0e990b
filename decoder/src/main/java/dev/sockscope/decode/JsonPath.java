package dev.sockscope.decode;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A field path as specs write it: names separated by dots, numbers index arrays ({@code payload.token},
 * {@code data.roles.0.name}). Each name is one segment of a Jackson {@link JsonPointer}, escaped as RFC 6901 says
 * ({@code ~} as {@code ~0}, {@code /} as {@code ~1}), so a name holding either is a name like any other.
 */
public record JsonPath(String text, JsonPointer pointer) {

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static JsonPath parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("a field path must not be empty");
        }
        String trimmed = text.trim();
        StringBuilder pointer = new StringBuilder();
        for (String name : trimmed.split("\\.", -1)) {
            if (name.isEmpty()) {
                throw new IllegalArgumentException("'" + text + "' is not a field path: empty name between dots");
            }
            pointer.append('/').append(name.replace("~", "~0").replace("/", "~1"));
        }
        return new JsonPath(trimmed, JsonPointer.compile(pointer.toString()));
    }

    /** The node at this path, or null when any part is missing. A JSON null counts as missing. */
    public JsonNode find(JsonNode root) {
        if (root == null) {
            return null;
        }
        JsonNode node = root.at(pointer);
        return node.isMissingNode() || node.isNull() ? null : node;
    }

    /** Replaces the value at this path, if present. */
    public boolean replace(JsonNode root, JsonNode value) {
        JsonNode parent = root.at(pointer.head());
        JsonPointer last = pointer.last();
        if (parent instanceof ObjectNode o && o.has(last.getMatchingProperty())) {
            o.set(last.getMatchingProperty(), value);
            return true;
        }
        if (parent instanceof ArrayNode a && last.mayMatchElement() && last.getMatchingIndex() < a.size()) {
            a.set(last.getMatchingIndex(), value);
            return true;
        }
        return false;
    }

    /** Whether the path is one name only (templates read {@code {name}} and {@code {value}} that way). */
    public boolean isTopLevel() {
        return pointer.tail().matches();
    }

    /** The last name, unescaped: what a secret field is called wherever it appears. */
    public String lastName() {
        return pointer.last().getMatchingProperty();
    }

    @Override
    public String toString() {
        return text;
    }
}
