package dev.sockscope.wire;

import java.nio.charset.StandardCharsets;

/**
 * A frame as a script sends it rather than as it was recorded: one line of a {@link Conversation} (the demo's
 * simulators and scripted clients play them, the golden decoding tests decode them).
 *
 * @param from    who sends it
 * @param type    text, binary or close (a close payload is the code in two bytes, then the reason)
 * @param payload the bytes
 */
public record ScriptedFrame(Direction from, FrameType type, byte[] payload) {

    /** The payload as text, for text frames. */
    public String text() {
        return new String(payload, StandardCharsets.UTF_8);
    }

    /** The close code of a close frame. */
    public int closeCode() {
        return ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
    }

    /** The close reason of a close frame. */
    public String closeReason() {
        return new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
    }
}
