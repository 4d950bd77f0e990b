package dev.sockscope.decode;

import java.util.List;

/**
 * What a decoder made of one frame. Stored beside the frame, so that the command line and the UI can show and
 * filter on it without decoding again.
 *
 * @param protocol       the decoder that read it (a spec's or a Java decoder's name); json, text or binary for the
 *                       fallback; websocket for ping, pong and close frames the session's decoder left
 * @param label          a short name: the opcode or event name ("LOGIN (19)", "message_created", "close 1008")
 * @param kind           request, response, error, event, heartbeat, control or unknown
 * @param summary        one line built from the meaningful fields, secrets masked
 * @param correlatesWith the seq of the request this frame answers, or null
 * @param latencyMicros  time from that request to this answer, or null
 * @param warnings       what was wrong with the frame (invalid JSON, unknown opcode, a field of the wrong type), coded
 */
public record FrameDecoding(String protocol, String label, Kind kind, String summary, Long correlatesWith,
                            Long latencyMicros, List<Warning> warnings) {
    public FrameDecoding {
        warnings = List.copyOf(warnings);
    }

    public FrameDecoding withCorrelation(long requestSeq, long latency) {
        return new FrameDecoding(protocol, label, kind, summary, requestSeq, latency, warnings);
    }

    public FrameDecoding withWarning(Warning warning) {
        List<Warning> more = new java.util.ArrayList<>(warnings);
        more.add(warning);
        return new FrameDecoding(protocol, label, kind, summary, correlatesWith, latencyMicros, more);
    }
}
