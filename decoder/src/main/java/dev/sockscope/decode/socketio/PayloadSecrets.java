package dev.sockscope.decode.socketio;

import java.util.Iterator;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sockscope.decode.PayloadMasker;
import dev.sockscope.secrets.SecretMasker;

/**
 * Conventionally named credentials ({@code password}, {@code token}, ...) in the JSON of any packet: the session masks
 * them in frames that are one JSON document, but a Socket.IO packet has its header before the JSON, so the decoder
 * finds them, masks what it shows and reports where they are.
 */
final class PayloadSecrets {
    private static final int MAX_DEPTH = 64;

    private PayloadSecrets() {
    }

    /** The payload with conventionally named credentials masked; the payload itself when it holds none. */
    static JsonNode shown(JsonNode payload, SecretMasker masker) {
        if (payload == null || !holdsOne(payload, 0)) {
            return payload;
        }
        JsonNode copy = payload.deepCopy();
        PayloadMasker.maskTree(copy, masker, 0);
        return copy;
    }

    /** Whether a string value sits in a field with a conventional credential name: a walk, cheaper than a second parse. */
    static boolean holdsOne(JsonNode node, int depth) {
        if (depth > MAX_DEPTH || !node.isContainerNode()) {
            return false;
        }
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getValue().isTextual() ? PayloadMasker.isConventionalSecret(e.getKey()) : holdsOne(e.getValue(), depth + 1)) {
                    return true;
                }
            }
            return false;
        }
        for (JsonNode v : node) {
            if (holdsOne(v, depth + 1)) {
                return true;
            }
        }
        return false;
    }
}
