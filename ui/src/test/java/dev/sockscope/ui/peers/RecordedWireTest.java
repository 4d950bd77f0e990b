package dev.sockscope.ui.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.sockscope.recordings.SessionRecord;
import dev.sockscope.recordings.StoredFrame;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.Handshake;
import dev.sockscope.wire.RecordedFrame;
import dev.sockscope.wire.SessionEnd;
import dev.sockscope.wire.SessionInfo;

/** The wire comparison of the peers tests can fail: a lost, changed or extra message is named; masking is not one. */
class RecordedWireTest {
    private static final String SECRET = "s3cr3t-test";

    private static RecordedFrame frame(long seq, Direction from, FrameType type, String payload) {
        return new RecordedFrame(1, seq, seq, from, type, payload.getBytes(StandardCharsets.UTF_8), 1, null);
    }

    private static TapMessage tap(boolean sent, String payload) {
        return new TapMessage(sent, 1, "/", FrameType.TEXT, payload.getBytes(StandardCharsets.UTF_8));
    }

    /** A run whose client sent {@code hello SECRET} and got {@code welcome}, recorded as {@code recorded}. */
    private static PeerRun run(List<RecordedFrame> recorded, List<TapMessage> client) {
        SessionInfo info = new SessionInfo(1, "127.0.0.1:1", "ws://127.0.0.1:2", "127.0.0.1:3",
                new Handshake("/", null, List.of(), 101, List.of(), null, List.of()), 0);
        SessionRecord session = new SessionRecord(info, new SessionEnd(1, 1000, "", null, null), recorded.size(), "generic", "", "{}", List.of(), null);
        List<StoredFrame> frames = new ArrayList<>();
        recorded.forEach(f -> frames.add(new StoredFrame(f, null)));
        return new PeerRun(Scenario.node("test", List.of(SECRET)), List.of(new PeerRun.Recorded(session, frames)),
                List.of(client), List.of(), List.of("ok"));
    }

    private static final List<TapMessage> CLIENT = List.of(tap(true, "hello " + SECRET), tap(false, "welcome"));

    @Test
    void theSameMessagesPassAndAMaskedCredentialIsNotADifference() {
        assertThatCode(() -> RecordedWire.assertEveryMessageRecorded(run(List.of(
                frame(1, Direction.CLIENT_TO_SERVER, FrameType.TEXT, "hello " + SECRET),
                frame(2, Direction.SERVER_TO_CLIENT, FrameType.TEXT, "welcome"),
                frame(3, Direction.CLIENT_TO_SERVER, FrameType.CLOSE, "")), CLIENT))).doesNotThrowAnyException();
        PeerRun masked = run(List.of(frame(1, Direction.CLIENT_TO_SERVER, FrameType.TEXT, "hello s3cr…[hmac:0123456789]"),
                frame(2, Direction.SERVER_TO_CLIENT, FrameType.TEXT, "welcome")), CLIENT);
        assertThatCode(() -> RecordedWire.assertEveryMessageRecorded(masked)).doesNotThrowAnyException();
        assertThat(new String(RecordedWire.asSent(masked, 0).get(0).payload(), StandardCharsets.UTF_8)).isEqualTo("hello " + SECRET);
    }

    @Test
    void aChangedLostOrRetypedMessageIsNamed() {
        assertThatThrownBy(() -> RecordedWire.assertEveryMessageRecorded(run(List.of(
                frame(1, Direction.CLIENT_TO_SERVER, FrameType.TEXT, "hello " + SECRET),
                frame(2, Direction.SERVER_TO_CLIENT, FrameType.TEXT, "welcome!")), CLIENT)))
                .hasMessageContaining("session 1, client received: message 1 was text (7 bytes) welcome, recorded text (8 bytes) welcome!");
        assertThatThrownBy(() -> RecordedWire.assertEveryMessageRecorded(run(List.of(
                frame(1, Direction.CLIENT_TO_SERVER, FrameType.TEXT, "hello " + SECRET)), CLIENT)))
                .hasMessageContaining("client received 1 messages, 0 recorded");
        assertThatThrownBy(() -> RecordedWire.assertEveryMessageRecorded(run(List.of(
                frame(1, Direction.CLIENT_TO_SERVER, FrameType.BINARY, "hello " + SECRET),
                frame(2, Direction.SERVER_TO_CLIENT, FrameType.TEXT, "welcome")), CLIENT)))
                .hasMessageContaining("client sent: message 1 was text");
        assertThatThrownBy(() -> RecordedWire.assertEveryMessageRecorded(run(List.of(
                frame(1, Direction.CLIENT_TO_SERVER, FrameType.TEXT, "hullo s3cr…[hmac:0123456789]"),
                frame(2, Direction.SERVER_TO_CLIENT, FrameType.TEXT, "welcome")), CLIENT)))
                .as("masking changes the credential only; a change around it is a difference")
                .hasMessageContaining("client sent: message 1");
    }
}
