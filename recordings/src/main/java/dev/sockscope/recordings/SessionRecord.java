package dev.sockscope.recordings;

import java.util.List;

import dev.sockscope.wire.SessionEnd;
import dev.sockscope.wire.SessionInfo;

/**
 * A stored session: what was known when it opened, how it ended (null while open), how many frames it holds, and
 * what decoding made of it (protocol, why, the handshake explained as JSON, requests never answered; null in
 * recordings made before decoding, or while not yet known), its traffic each way (null in recordings made
 * before the per-direction counts), the session it replays (null: not a replay, or not linked yet), and the proxy
 * that recorded it (a team store's; null in a recordings folder, which one proxy records), and whether someone
 * starred it (retention keeps starred sessions).
 */
public record SessionRecord(SessionInfo info, SessionEnd end, long frames, String protocol, String protocolReason,
                            String handshakeDecoded, List<Long> unanswered, Traffic traffic, Long replayOf,
                            RecordedBy recordedBy, boolean starred) {

    /** The proxy that recorded a session into a team store: its machine and the name it was given. */
    public record RecordedBy(String host, String name) {
    }

    /** A session nobody starred. */
    public SessionRecord(SessionInfo info, SessionEnd end, long frames, String protocol, String protocolReason,
                         String handshakeDecoded, List<Long> unanswered, Traffic traffic, Long replayOf,
                         RecordedBy recordedBy) {
        this(info, end, frames, protocol, protocolReason, handshakeDecoded, unanswered, traffic, replayOf, recordedBy, false);
    }

    /** A session whose recording proxy is not known (a recordings folder's). */
    public SessionRecord(SessionInfo info, SessionEnd end, long frames, String protocol, String protocolReason,
                         String handshakeDecoded, List<Long> unanswered, Traffic traffic, Long replayOf) {
        this(info, end, frames, protocol, protocolReason, handshakeDecoded, unanswered, traffic, replayOf, null);
    }

    /** A session that replays nothing (or whose link is not known here: the live feed's). */
    public SessionRecord(SessionInfo info, SessionEnd end, long frames, String protocol, String protocolReason,
                         String handshakeDecoded, List<Long> unanswered, Traffic traffic) {
        this(info, end, frames, protocol, protocolReason, handshakeDecoded, unanswered, traffic, null);
    }

    public long id() {
        return info.id();
    }

    public boolean isOpen() {
        return end == null;
    }
}
