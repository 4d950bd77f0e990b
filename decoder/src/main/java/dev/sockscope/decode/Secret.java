package dev.sockscope.decode;

import java.util.List;

import dev.sockscope.decode.spec.FieldPattern;

/**
 * Where a credential is in a frame's payload (offsets in bytes of {@link FrameInput#payload()}), so that the stored
 * copy is masked: in a text frame the value is replaced by its mask ({@code hunt…[hmac:92a7972131]}); in a binary frame
 * by a mask of the same byte length, so that length fields around it stay true and the stored frame still decodes.
 * The decoder masks what it shows itself ({@link DecoderContext#masker()}).
 */
public sealed interface Secret permits Secret.Span, Secret.Json {

    int start();

    int end();

    /** The bytes {@code [start, end)} are a credential (a STOMP {@code passcode} header's value, an MQTT password). */
    record Span(int start, int end) implements Secret {
        public Span {
            if (start < 0 || end < start) {
                throw new IllegalArgumentException("a secret span needs 0 <= start <= end, not " + start + ".." + end);
            }
        }
    }

    /**
     * The bytes {@code [start, end)} are a JSON document (after a prefix, as in Socket.IO's {@code 40{"token":…}}): its
     * string values at {@code fields} (wildcards allowed: {@code **} masks every string) and in conventionally named
     * credential fields are masked.
     */
    record Json(int start, int end, List<FieldPattern> fields) implements Secret {
        public Json {
            if (start < 0 || end < start) {
                throw new IllegalArgumentException("a secret span needs 0 <= start <= end, not " + start + ".." + end);
            }
            fields = List.copyOf(fields);
        }
    }

    /** The span of characters {@code [from, to)} of {@code text} (a frame's UTF-8 text) in bytes. */
    static Span inText(String text, int from, int to) {
        int start = utf8Length(text, 0, from);
        return new Span(start, start + utf8Length(text, from, to));
    }

    private static int utf8Length(String s, int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < to) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }
}
