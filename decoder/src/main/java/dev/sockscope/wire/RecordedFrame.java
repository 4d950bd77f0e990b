package dev.sockscope.wire;

import java.nio.charset.StandardCharsets;

/**
 * One message or control frame exactly as it crossed the proxy (after permessage-deflate, if any).
 * Data messages are recorded once, when their last fragment has been relayed; {@code fragments} says
 * how many wire frames carried them.
 *
 * @param sessionId  the session it belongs to
 * @param seq        1-based position in the session, both directions counted together
 * @param timeMicros wall-clock time the (last fragment of the) frame arrived, microseconds since the epoch
 * @param from       who sent it
 * @param type       text, binary, ping, pong or close
 * @param payload    the bytes, owned by this record (never a buffer the network layer reuses)
 * @param fragments  wire frames that carried it: 1 for an unfragmented message or a control frame
 * @param note       what is wrong with it or what happened to it (a protocol violation passed through, a
 *                   recording cut at the limit, not delivered), or null when nothing is
 * @param wire       how it looked on the wire, or null when not known (terminating relay, old recordings)
 * @param provenance who made it and what became of it when that was not "from the wire, delivered at once" (an edit,
 *                   an injection, a drop, a hold); null otherwise
 */
public record RecordedFrame(long sessionId, long seq, long timeMicros, Direction from, FrameType type,
                            byte[] payload, int fragments, String note, WireShape wire, Provenance provenance) {

    public RecordedFrame(long sessionId, long seq, long timeMicros, Direction from, FrameType type,
                         byte[] payload, int fragments, String note, WireShape wire) {
        this(sessionId, seq, timeMicros, from, type, payload, fragments, note, wire, null);
    }

    public RecordedFrame(long sessionId, long seq, long timeMicros, Direction from, FrameType type,
                         byte[] payload, int fragments, String note) {
        this(sessionId, seq, timeMicros, from, type, payload, fragments, note, null);
    }

    /** The same frame at another position (the relay numbers frames when it publishes them). */
    public RecordedFrame withSeq(long newSeq) {
        return new RecordedFrame(sessionId, newSeq, timeMicros, from, type, payload, fragments, note, wire, provenance);
    }

    /** The same frame with other bytes (a masked copy for storage). */
    public RecordedFrame withPayload(byte[] other) {
        return new RecordedFrame(sessionId, seq, timeMicros, from, type, other, fragments, note, wire, provenance);
    }

    /** The same frame with another note (a delivery failure found after it was parsed). */
    public RecordedFrame withNote(String other) {
        return new RecordedFrame(sessionId, seq, timeMicros, from, type, payload, fragments, other, wire, provenance);
    }

    /** The same frame saying where it came from and what became of it. */
    public RecordedFrame withProvenance(Provenance other) {
        return new RecordedFrame(sessionId, seq, timeMicros, from, type, payload, fragments, note, wire, other);
    }

    public int size() {
        return payload.length;
    }

    /** The payload as text (malformed UTF-8 replaced), for text frames and close reasons. */
    public String text() {
        return new String(payload, StandardCharsets.UTF_8);
    }

    /** Close code of a close frame, or null when it carries none (or it is not a close frame). */
    public Integer closeCode() {
        if (type != FrameType.CLOSE || payload.length < 2) {
            return null;
        }
        return ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
    }

    /** Close reason of a close frame, or null. */
    public String closeReason() {
        if (type != FrameType.CLOSE || payload.length < 2) {
            return null;
        }
        return new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
    }
}
