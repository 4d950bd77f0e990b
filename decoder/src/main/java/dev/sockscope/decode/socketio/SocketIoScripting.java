package dev.sockscope.decode.socketio;

import java.nio.charset.StandardCharsets;
import java.util.List;

import dev.sockscope.decode.Scripting;
import dev.sockscope.decode.spec.FieldPattern;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.RecordedFrame;

/** Replay and mock: session ids change from run to run; a recorded ack is sent with the live event's ack id. */
final class SocketIoScripting implements Scripting {

    @Override
    public List<FieldPattern> volatileFields() {
        return List.of(FieldPattern.parse("sid"), FieldPattern.parse("data.sid"));
    }

    @Override
    public List<FieldPattern> keyFields() {
        return List.of(FieldPattern.parse("ackId"));
    }

    @Override
    public byte[] addressed(RecordedFrame answer, RecordedFrame recordedRequest, RecordedFrame liveRequest) {
        Long live = ackId(liveRequest);
        if (live == null || answer.type() != FrameType.TEXT) {
            return answer.payload();
        }
        String text = answer.text();
        if (!text.startsWith("4") || !(PacketParser.parse(text.substring(1)) instanceof PacketParser.Ok ok)
                || !ok.packet().type().isAck() || ok.packet().ackId() == null) {
            return answer.payload();
        }
        int end = 1 + ok.packet().jsonStart();
        int start = end;
        while (start > 1 && Character.isDigit(text.charAt(start - 1))) {
            start--;
        }
        return (text.substring(0, start) + live + text.substring(end)).getBytes(StandardCharsets.UTF_8);
    }

    private static Long ackId(RecordedFrame f) {
        if (f.type() != FrameType.TEXT) {
            return null;
        }
        String text = f.text();
        return text.startsWith("4") && PacketParser.parse(text.substring(1)) instanceof PacketParser.Ok ok && ok.packet().type().isEvent()
                ? ok.packet().ackId() : null;
    }
}
