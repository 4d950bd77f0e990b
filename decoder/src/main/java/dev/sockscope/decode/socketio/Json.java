package dev.sockscope.decode.socketio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import dev.sockscope.decode.Filters;

/** Small JSON helpers for summaries and trees. */
final class Json {
    static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final int PREVIEW_CHARS = 120;
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Json() {
    }

    /** The node as compact JSON, cut for a summary. */
    static String preview(JsonNode node) {
        return node == null ? "" : Filters.truncate(node.toString(), PREVIEW_CHARS);
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
