package dev.sockscope.decode.jsonrpc;

import java.io.IOException;
import java.io.Writer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Short one-line texts for summaries, written only as far as they are shown (a 4 MiB result costs a few bytes). */
final class Compact {
    static final int CHARS = 120;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Compact() {
    }

    /** The node as compact JSON, cut to {@link #CHARS} with an ellipsis. */
    static String json(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "";
        }
        Prefix prefix = new Prefix(CHARS + 1);
        try {
            MAPPER.writeValue(prefix, node);
        } catch (IOException e) {
            // Enough has been written (the prefix is full).
        }
        return cut(prefix.text);
    }

    private static String cut(CharSequence s) {
        return s.length() <= CHARS ? s.toString() : s.subSequence(0, CHARS - 1) + "…";
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
}
