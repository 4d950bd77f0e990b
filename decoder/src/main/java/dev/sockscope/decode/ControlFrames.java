package dev.sockscope.decode;

import java.util.List;
import java.util.Map;

import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.RecordedFrame;

/**
 * Ping, pong and close frames, which mean the same in every protocol ({@code websocket}); a protocol may give its close
 * codes a meaning ({@link ProtocolDecoder#closeCodes()}). The session decodes control frames with it whenever the
 * session's reader leaves them ({@link DecodeResult.NotMine}).
 */
public final class ControlFrames implements ProtocolDecoder {
    static final String PROTOCOL = "websocket";
    private static final Map<Integer, String> RFC6455 = Map.ofEntries(
            Map.entry(1000, "normal closure"), Map.entry(1001, "going away"), Map.entry(1002, "protocol error"),
            Map.entry(1003, "unsupported data"), Map.entry(1005, "no status"), Map.entry(1006, "abnormal closure"),
            Map.entry(1007, "invalid payload data"), Map.entry(1008, "policy violation"),
            Map.entry(1009, "message too big"), Map.entry(1010, "mandatory extension"),
            Map.entry(1011, "internal server error"), Map.entry(1012, "service restart"),
            Map.entry(1013, "try again later"), Map.entry(1014, "bad gateway"), Map.entry(1015, "TLS handshake failure"));

    private final Map<Integer, String> protocolCodes;

    /** Control frames of a protocol that gives these close codes a meaning. */
    public ControlFrames(Map<Integer, String> protocolCodes) {
        this.protocolCodes = Map.copyOf(protocolCodes);
    }

    @Override
    public String name() {
        return PROTOCOL;
    }

    @Override
    public String title() {
        return "WebSocket ping, pong and close frames (RFC 6455)";
    }

    @Override
    public Map<Integer, String> closeCodes() {
        return protocolCodes;
    }

    @Override
    public FrameReader open(DecoderContext context) {
        return frame -> frame.type().isControl() ? decoded(frame.frame(), protocolCodes) : new DecodeResult.NotMine("not a control frame");
    }

    /** A control frame: {@code close 1008} with its meaning, {@code ping} with its payload. */
    public static DecodeResult.Decoded decoded(RecordedFrame f, Map<Integer, String> protocolCodes) {
        FrameDecoding d = decode(f, protocolCodes);
        return DecodeResult.Decoded.of(d.label(), d.kind(), d.summary()).withProtocol(PROTOCOL);
    }

    static FrameDecoding decode(RecordedFrame f, Map<Integer, String> protocolCodes) {
        String summary;
        String label;
        if (f.type() == FrameType.CLOSE) {
            Integer code = f.closeCode();
            label = code == null ? "close" : "close " + code;
            summary = code == null ? "no close code" : describe(code, f.closeReason(), protocolCodes);
        } else {
            label = f.type().label();
            summary = f.payload().length == 0 ? "empty" : isPrintable(f.payload()) ? Previews.text(f.payload()) : Previews.hex(f.payload());
        }
        return new FrameDecoding(PROTOCOL, label, Kind.CONTROL, summary, null, null, List.of());
    }

    static String describe(int code, String reason, Map<Integer, String> protocolCodes) {
        StringBuilder out = new StringBuilder();
        out.append(code).append(' ').append(RFC6455.getOrDefault(code,
                code >= 4000 && code <= 4999 ? "application-defined" : code >= 3000 && code <= 3999 ? "registered" : "unassigned"));
        if (reason != null && !reason.isEmpty()) {
            out.append(": ").append(Filters.truncate(reason, Previews.TEXT_CHARS));
        }
        String meaning = protocolCodes.get(code);
        if (meaning != null) {
            out.append(" — ").append(meaning);
        }
        return out.toString();
    }

    private static boolean isPrintable(byte[] payload) {
        for (byte b : payload) {
            if (b >= 0 && b < 0x20 && b != '\t' && b != '\n' && b != '\r') {
                return false;
            }
        }
        return dev.sockscope.wire.Utf8Validator.isValid(payload);
    }
}
