package dev.sockscope.decode;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

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

    static String hex(byte[] payload) {
        int n = Math.min(payload.length, HEX_BYTES);
        StringBuilder out = new StringBuilder(Filters.bytes(payload.length));
        if (n > 0) {
            out.append(": ");
            HexFormat hex = HexFormat.ofDelimiter(" ");
            out.append(hex.formatHex(payload, 0, n));
            if (n < payload.length) {
                out.append(" …");
            }
        }
        return out.toString();
    }
}
