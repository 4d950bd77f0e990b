package dev.sockscope.proxy.rules;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Carries out a {@link Action.Rewrite} on one message's bytes. */
final class Rewrites {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Rewrites() {
    }

    /** The new payload: the body first, then pointers set and removed (JSON messages only), then regexes replaced. */
    static byte[] apply(Action.Rewrite r, byte[] payload) {
        byte[] out = r.body() == null ? payload : r.body().render(payload);
        if (!r.set().isEmpty() || !r.remove().isEmpty()) {
            out = pointers(r, out);
        }
        if (!r.replace().isEmpty()) {
            String text = new String(out, StandardCharsets.UTF_8);
            for (Action.RegexReplace x : r.replace()) {
                text = x.regex().matcher(text).replaceAll(x.with());
            }
            out = text.getBytes(StandardCharsets.UTF_8);
        }
        return out;
    }

    private static byte[] pointers(Action.Rewrite r, byte[] payload) {
        JsonNode tree;
        try {
            tree = JSON.readTree(payload);
        } catch (Exception e) {
            return payload; // not JSON: nothing to point into
        }
        if (tree == null || !tree.isContainerNode()) {
            return payload;
        }
        for (Map.Entry<String, JsonNode> e : r.set().entrySet()) {
            set(tree, JsonPointer.compile(e.getKey()), e.getValue());
        }
        for (String p : r.remove()) {
            remove(tree, JsonPointer.compile(p));
        }
        try {
            return JSON.writeValueAsBytes(tree);
        } catch (Exception e) {
            return payload;
        }
    }

    /** Sets the value, making missing objects on the way; an array index past the end appends. */
    private static void set(JsonNode root, JsonPointer p, JsonNode value) {
        JsonNode parent = root;
        JsonPointer at = p;
        while (!at.tail().matches()) {
            String key = at.getMatchingProperty();
            JsonNode next = parent.get(key);
            if (next == null && parent.isArray() && at.getMatchingIndex() >= 0) {
                next = parent.get(at.getMatchingIndex());
            }
            if (next == null || !next.isContainerNode()) {
                if (!parent.isObject()) {
                    return;
                }
                next = ((ObjectNode) parent).putObject(key);
            }
            parent = next;
            at = at.tail();
        }
        if (parent instanceof ObjectNode o) {
            o.set(at.getMatchingProperty(), value.deepCopy());
        } else if (parent instanceof ArrayNode a) {
            int i = at.getMatchingIndex();
            if (i >= 0 && i < a.size()) {
                a.set(i, value.deepCopy());
            } else {
                a.add(value.deepCopy());
            }
        }
    }

    private static void remove(JsonNode root, JsonPointer p) {
        JsonNode parent = root.at(p.head());
        if (parent instanceof ObjectNode o) {
            o.remove(p.last().getMatchingProperty());
        } else if (parent instanceof ArrayNode a && p.last().getMatchingIndex() >= 0 && p.last().getMatchingIndex() < a.size()) {
            a.remove(p.last().getMatchingIndex());
        }
    }
}
