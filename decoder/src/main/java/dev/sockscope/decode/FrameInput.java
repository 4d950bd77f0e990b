package dev.sockscope.decode;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.RecordedFrame;

/**
 * A frame as a decoder reads it, with its text and JSON parse made once and shared by everyone who asks (detection,
 * masking, the reader).
 *
 * <p>When decoding live, the payload is already masked as everything is, whatever the protocol: the handshake's
 * credentials and JWT signatures anywhere, and in a frame that is one JSON document the conventional credential fields
 * and the decoder's {@link ProtocolDecoder#secretFields()}. In a text frame that can change lengths; in a binary frame
 * it never does (a masked value keeps its byte length), so binary formats stay readable. {@link Secret} offsets are
 * offsets into this payload.
 *
 * <p>The JSON tree is shared: {@link ProtocolDecoder#recognises} must not change it; a {@link FrameReader} may (the
 * session is done with it by then).
 */
public final class FrameInput {
    private final RecordedFrame frame;
    private String text;
    private JsonText.Parsed parsed;
    private Boolean looksLikeJson;

    private FrameInput(RecordedFrame frame, JsonText.Parsed parsed) {
        this.frame = frame;
        this.parsed = parsed;
    }

    public static FrameInput of(RecordedFrame frame) {
        return new FrameInput(frame, null);
    }

    /** A frame whose parse is already known (the session parsed it to detect and mask). */
    static FrameInput parsed(RecordedFrame frame, JsonText.Parsed parsed) {
        return new FrameInput(frame, parsed);
    }

    public RecordedFrame frame() {
        return frame;
    }

    public byte[] payload() {
        return frame.payload();
    }

    public FrameType type() {
        return frame.type();
    }

    public Direction from() {
        return frame.from();
    }

    public long seq() {
        return frame.seq();
    }

    /** The payload as UTF-8 text (malformed bytes replaced), made once. */
    public String text() {
        if (text == null) {
            text = frame.text();
        }
        return text;
    }

    /** Whether the payload starts (after whitespace) like a JSON object or array: a cheap test, no parse. */
    public boolean looksLikeJson() {
        if (looksLikeJson == null) {
            looksLikeJson = frame.type() != FrameType.BINARY && JsonText.looksLikeJson(frame.payload());
        }
        return looksLikeJson;
    }

    /** The payload of a text frame parsed as JSON, made once: a tree, or why it is not JSON. Null for other frames. */
    public JsonText.Parsed parsed() {
        if (parsed == null && frame.type() == FrameType.TEXT) {
            parsed = JsonText.parse(text());
        }
        return parsed;
    }

    /** The JSON tree of a text frame that looks like and is one JSON object or array; null otherwise. Parses once. */
    public JsonNode json() {
        return looksLikeJson() && parsed() instanceof JsonText.Ok ok ? ok.tree() : null;
    }

    /** The parse if one was made, without making one. */
    JsonText.Parsed parsedIfKnown() {
        return parsed;
    }
}
