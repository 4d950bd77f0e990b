package dev.sockscope.decode.socketio;

import java.util.Iterator;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import dev.sockscope.decode.Filters;
import dev.sockscope.secrets.SecretMasker;

/** Small JSON helpers for summaries and trees. */
final class Json {
    static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final int PREVIEW_CHARS = 120;
    private static final int MAX_DEPTH = 64;
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Json() {
    }

    /** The node as compact JSON, cut for a summary. */
    static String preview(JsonNode node) {
        return node == null ? "" : Filters.truncate(node.toString(), PREVIEW_CHARS);
    }

    /** A copy of the tree with every string masked: an auth payload is credentials through and through. */
    static JsonNode maskStrings(JsonNode node, SecretMasker masker) {
        JsonNode copy = node.deepCopy();
        maskInPlace(copy, masker, 0);
        return copy;
    }

    private static void maskInPlace(JsonNode node, SecretMasker masker, int depth) {
        if (depth > MAX_DEPTH) {
            return;
        }
        if (node instanceof ObjectNode object) {
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getValue().isTextual()) {
                    e.setValue(masked(e.getValue().textValue(), masker));
                } else {
                    maskInPlace(e.getValue(), masker, depth + 1);
                }
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                if (array.get(i).isTextual()) {
                    array.set(i, masked(array.get(i).textValue(), masker));
                } else {
                    maskInPlace(array.get(i), masker, depth + 1);
                }
            }
        }
    }

    private static TextNode masked(String value, SecretMasker masker) {
        return TextNode.valueOf(value.isEmpty() || SecretMasker.isMasked(value) ? value : masker.mask(value));
    }

    /** Size and the first bytes in hex, as binary frames are shown everywhere. */
    static String hex(byte[] payload) {
        int n = Math.min(payload.length, 16);
        StringBuilder out = new StringBuilder(16 + n * 3);
        out.append(Filters.bytes(payload.length));
        if (n > 0) {
            out.append(':');
            for (int i = 0; i < n; i++) {
                int b = payload[i] & 0xFF;
                out.append(' ').append(HEX[b >> 4]).append(HEX[b & 0xF]);
            }
            if (n < payload.length) {
                out.append(" …");
            }
        }
        return out.toString();
    }
}
