package dev.sockscope.proxy.tap;

import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;

import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.Provenance;
import dev.sockscope.wire.RecordedFrame;
import dev.sockscope.wire.WireShape;

/** The close frame the proxy sends itself (shutdown, idle timeout, the user's close), and how it is recorded. */
public final class ProxyClose {
    private ProxyClose() {
    }

    static ByteBuffer frame(Direction d, int code, String reason) {
        return MessageEncoder.plain(d, FrameType.CLOSE, payload(code, reason));
    }

    static RecordedFrame recorded(long sessionId, long atMicros, Direction d, int code, String reason) {
        byte[] payload = payload(code, reason);
        return new RecordedFrame(sessionId, 0, atMicros, d, FrameType.CLOSE, payload, 1,
                "sent by the proxy to the " + (d == Direction.CLIENT_TO_SERVER ? "upstream" : "client"),
                new WireShape(0x8, 0, payload.length, payload.length, false, d == Direction.CLIENT_TO_SERVER), Provenance.PROXY);
    }

    private static byte[] payload(int code, String reason) {
        byte[] text = fitReason(reason).getBytes(StandardCharsets.UTF_8);
        byte[] payload = new byte[2 + text.length];
        payload[0] = (byte) (code >> 8);
        payload[1] = (byte) code;
        System.arraycopy(text, 0, payload, 2, text.length);
        return payload;
    }

    /** A close reason must fit in a control frame: 123 bytes of UTF-8. */
    public static String fitReason(String reason) {
        if (reason == null) {
            return "";
        }
        if (reason.getBytes(StandardCharsets.UTF_8).length <= 123) {
            return reason;
        }
        String cut = reason;
        while (cut.getBytes(StandardCharsets.UTF_8).length > 120) {
            cut = cut.substring(0, cut.length() - 1);
        }
        return cut + "...";
    }
}
