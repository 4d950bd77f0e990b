package dev.sockscope.ui.views;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sockscope.recordings.SessionRecord;
import dev.sockscope.recordings.Traffic;
import dev.sockscope.wire.Handshake;
import dev.sockscope.wire.Header;
import dev.sockscope.wire.SessionEnd;
import dev.sockscope.wire.SessionInfo;

/**
 * A session as the command line's --json and the HTTP API show it. Field names are a public contract. The decoded
 * fields (protocol, why it was chosen, the handshake explained, requests never answered) are null in recordings made
 * before decoding; the traffic each way ({@code clientFrames}, {@code clientBytes}, {@code serverFrames},
 * {@code serverBytes}) is null in recordings made before it was counted. {@code replayOf} is the session a replay
 * replayed (null for any other session). {@code proxyHost} and {@code proxyName} say which proxy recorded the session
 * into a team store (null in a recordings folder). {@code starred}: someone starred it (retention keeps it).
 */
public record SessionView(long id, String listen, String upstream, String path, String query, String clientAddress,
                          int status, String subprotocol, List<String> extensions,
                          String startedAt, long startedAtMicros, String endedAt, Long endedAtMicros,
                          long frames, Long clientFrames, Long clientBytes, Long serverFrames, Long serverBytes,
                          Integer closeCode, String closeReason, String closedBy, String error,
                          List<List<String>> requestHeaders, List<List<String>> responseHeaders,
                          String protocol, String protocolReason, JsonNode handshakeDecoded, List<Long> unanswered,
                          Long replayOf, String proxyHost, String proxyName, boolean starred) {

    public static SessionView of(SessionRecord r) {
        SessionInfo i = r.info();
        Handshake h = i.handshake();
        SessionEnd e = r.end();
        Long endedAt = e == null ? null : e.endedAtMicros();
        Traffic t = r.traffic();
        return new SessionView(i.id(), i.listen(), i.upstream(), h.path(), h.query(), i.clientAddress(),
                h.status(), h.subprotocol(), h.extensions(),
                Times.iso(i.startedAtMicros()), i.startedAtMicros(), Times.iso(endedAt), endedAt,
                r.frames(), t == null ? null : t.clientFrames(), t == null ? null : t.clientBytes(),
                t == null ? null : t.serverFrames(), t == null ? null : t.serverBytes(), e == null ? null : e.closeCode(), e == null ? null : e.closeReason(),
                e == null || e.closedBy() == null ? null : e.closedBy().label(), e == null ? null : e.error(),
                pairs(h.requestHeaders()), pairs(h.responseHeaders()),
                r.protocol(), r.protocolReason(), tree(r.handshakeDecoded()), r.unanswered(), r.replayOf(),
                r.recordedBy() == null ? null : r.recordedBy().host(), r.recordedBy() == null ? null : r.recordedBy().name(),
                r.starred());
    }

    private static JsonNode tree(String json) {
        if (json == null) {
            return null;
        }
        try {
            return Json.MAPPER.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return com.fasterxml.jackson.databind.node.TextNode.valueOf(json);
        }
    }

    private static List<List<String>> pairs(List<Header> headers) {
        return headers.stream().map(x -> List.of(x.name(), x.value())).toList();
    }
}
