package dev.sockscope.recordings;

import java.nio.charset.StandardCharsets;
import java.util.List;

import dev.sockscope.capture.CaptureEvent;
import dev.sockscope.decode.CaptureDecoder;
import dev.sockscope.decode.DecodedEvent;
import dev.sockscope.decode.ProtocolRegistry;
import dev.sockscope.wire.ClosedBy;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.Handshake;
import dev.sockscope.wire.Header;
import dev.sockscope.wire.RecordedFrame;
import dev.sockscope.wire.SessionEnd;
import dev.sockscope.wire.SessionInfo;

/** Sessions and frames taken from the seed protocols, for store tests. */
final class Fixtures {
    static final long T0 = 1_763_884_800_000_000L; // 2025-11-23T08:00:00Z in microseconds

    private Fixtures() {
    }

    static SessionInfo session(long id) {
        Handshake h = new Handshake("/ws", "sid=2",
                List.of(new Header("Sec-WebSocket-Protocol", "access_token, eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjF9.c2ln"),
                        new Header("Cookie", "zavodchat_token=6f1c2d3e-0000-4b5a-9c8d-1234567890ab")),
                101, List.of(new Header("Sec-WebSocket-Protocol", "access_token")), "access_token", List.of("permessage-deflate"));
        return new SessionInfo(id, "127.0.0.1:9444", "ws://127.0.0.1:8888", "127.0.0.1:50000", h, T0 + id);
    }

    /**
     * Capture events as the decoding stage turns them into what a store writes (secrets kept, so that store tests see
     * exactly the values they wrote).
     */
    static List<DecodedEvent> decoded(RecordingStore store, List<CaptureEvent> events) {
        return decoded(store, events, true);
    }

    static List<DecodedEvent> decoded(RecordingStore store, List<CaptureEvent> events, boolean keepSecrets) {
        return new CaptureDecoder(ProtocolRegistry.builtIn(), store.masker(), keepSecrets).decodeAll(events);
    }

    static RecordedFrame text(long session, long seq, Direction from, String text) {
        return new RecordedFrame(session, seq, T0 + seq * 1000, from, FrameType.TEXT, text.getBytes(StandardCharsets.UTF_8), 1, null);
    }

    static List<CaptureEvent> chatSession(long id) {
        return List.of(
                new CaptureEvent.SessionOpened(session(id)),
                new CaptureEvent.FrameCaptured(text(id, 1, Direction.CLIENT_TO_SERVER,
                        "{\"name\":\"Event.GetConversationList\",\"args\":\"{\\\"user_id\\\":2}\"}")),
                new CaptureEvent.FrameCaptured(text(id, 2, Direction.SERVER_TO_CLIENT,
                        "{\"name\":\"Event.GetConversationList\",\"ok\":true,\"result\":{\"conversations\":[]}}")),
                new CaptureEvent.FrameCaptured(new RecordedFrame(id, 3, T0 + 3000, Direction.CLIENT_TO_SERVER, FrameType.PING,
                        new byte[] {1, 2}, 1, null)),
                new CaptureEvent.FrameCaptured(new RecordedFrame(id, 4, T0 + 4000, Direction.SERVER_TO_CLIENT, FrameType.CLOSE,
                        new byte[] {0x03, (byte) 0xF0, 'b', 'y', 'e'}, 1, null)),
                new CaptureEvent.SessionClosed(id, new SessionEnd(T0 + 5000, 1008, "bye", ClosedBy.SERVER, null)));
    }
}
