package dev.sockscope.decode;

import java.nio.charset.StandardCharsets;

/** Short, one-line previews of payloads for summaries. */
final class Previews {
    static final int TEXT_CHARS = 120;
    private static final int HEX_BYTES = 16;

    private Previews() {
    }

    static String text(byte[] payload) {
        int n = Math.min(payload.length, TEXT_CHARS * 4);
        String s = new String(payload, 0, n, StandardCharsets.UTF_8);
        return Filters.truncate(s, TEXT_CHARS) + (n < payload.length && s.length() <= TEXT_CHARS ? "…" : "");
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /** Size and the first bytes in hex; runs for every binary frame recorded, so it builds its text by hand. */
    static String hex(byte[] payload) {
        int n = Math.min(payload.length, HEX_BYTES);
        StringBuilder out = new StringBuilder(16 + n * 3 + 2);
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
