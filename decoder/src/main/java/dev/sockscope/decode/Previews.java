package dev.sockscope.decode;

import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.JsonNode;

/** Short, one-line previews of payloads for summaries. */
public final class Previews {
    static final int TEXT_CHARS = 120;
    private static final int HEX_BYTES = 16;

    private Previews() {
    }

    static String text(byte[] payload) {
        int n = Math.min(payload.length, TEXT_CHARS * 4);
        String s = new String(payload, 0, n, StandardCharsets.UTF_8);
        return Filters.truncate(s, TEXT_CHARS) + (n < payload.length && s.length() <= TEXT_CHARS ? "…" : "");
    }

    /**
     * The tree as compact JSON, cut to {@link #TEXT_CHARS}: the same text as {@code truncate(tree.toString())}, but
     * written only until the cut ({@link JsonPreview}), so a 10 MiB document costs a few hundred characters of writing.
     */
    public static String json(JsonNode tree) {
        return Filters.truncate(JsonPreview.prefix(tree, TEXT_CHARS + 1), TEXT_CHARS);
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /** Size and the first bytes in hex; runs for every binary frame recorded, so it builds its text by hand. */
    static String hex(byte[] payload) {
        int n = Math.min(payload.length, HEX_BYTES);
        StringBuilder out = new StringBuilder(16 + n * 3 + 2);
        Filters.bytes(out, payload.length);
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
