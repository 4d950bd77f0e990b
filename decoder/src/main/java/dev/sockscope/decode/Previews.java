package dev.sockscope.decode;

import java.io.IOException;
import java.io.Writer;
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
     * written only until the cut, so a 10 MiB document costs a few kilobytes of writing, not a copy of itself.
     */
    public static String json(JsonNode tree) {
        Prefix prefix = new Prefix(TEXT_CHARS + 1);
        try {
            JsonText.MAPPER.writeValue(prefix, tree);
        } catch (IOException e) {
            // Enough has been written (Prefix.Full), or the tree could not be written: what there is will do.
        }
        return Filters.truncate(prefix.text.toString(), TEXT_CHARS);
    }

    /** A writer that keeps the first characters and then refuses the rest. */
    private static final class Prefix extends Writer {
        private final StringBuilder text = new StringBuilder();
        private final int keep;

        Prefix(int keep) {
            this.keep = keep;
        }

        @Override
        public void write(char[] cbuf, int off, int len) throws IOException {
            text.append(cbuf, off, Math.min(len, keep - text.length()));
            if (text.length() >= keep) {
                throw new IOException("prefix complete");
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
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
