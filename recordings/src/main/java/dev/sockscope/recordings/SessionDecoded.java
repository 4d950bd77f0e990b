package dev.sockscope.recordings;

import java.util.List;

/**
 * What decoding learned about a session, written beside it: the protocol chosen and why (null when this update
 * does not set it), and the requests never answered (null until the session has ended).
 */
public record SessionDecoded(long sessionId, String protocol, String protocolReason, String handshakeJson,
                             List<Long> unanswered) {
}
