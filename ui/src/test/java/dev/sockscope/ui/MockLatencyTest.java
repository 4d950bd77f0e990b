package dev.sockscope.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sockscope.capture.CaptureEvent;
import dev.sockscope.decode.CaptureDecoder;
import dev.sockscope.decode.ProtocolRegistry;
import dev.sockscope.proxy.mock.RecordedUpstream;
import dev.sockscope.proxy.testing.WebSocketRecorder;
import dev.sockscope.recordings.H2RecordingStore;
import dev.sockscope.ui.mock.MockServer;
import dev.sockscope.wire.ClosedBy;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.Handshake;
import dev.sockscope.wire.RecordedFrame;
import dev.sockscope.wire.SessionEnd;
import dev.sockscope.wire.SessionInfo;

/** {@code mock --latency recorded}: answers come as long after the live message as they did in the recording. */
class MockLatencyTest {
    private static final long T0 = 1_767_000_000_000_000L;
    private static final long FIRST_ANSWER_MICROS = 1_500_000;
    private static final long SECOND_ANSWER_MICROS = 1_800_000;

    @TempDir
    Path db;

    /** A slow server, recorded: "ping-me" answered 1.5 s and 1.8 s later. */
    private void recordASlowServer() throws Exception {
        try (H2RecordingStore store = H2RecordingStore.open(db)) {
            CaptureDecoder decoder = new CaptureDecoder(ProtocolRegistry.builtIn(), store.masker(), false);
            Handshake h = new Handshake("/slow", null, List.of(), 101, List.of(), null, List.of());
            store.append(decoder.decodeAll(List.of(
                    new CaptureEvent.SessionOpened(new SessionInfo(1, "127.0.0.1:9444", "ws://slow.example.org", "127.0.0.1:5", h, T0)),
                    frame(1, 1000, Direction.CLIENT_TO_SERVER, "ping-me"),
                    frame(2, 1000 + FIRST_ANSWER_MICROS, Direction.SERVER_TO_CLIENT, "first answer"),
                    frame(3, 1000 + SECOND_ANSWER_MICROS, Direction.SERVER_TO_CLIENT, "second answer"),
                    new CaptureEvent.SessionClosed(1, new SessionEnd(T0 + 3_000_000, 1000, "", ClosedBy.CLIENT, null)))));
        }
    }

    private static CaptureEvent frame(long seq, long offsetMicros, Direction from, String text) {
        return new CaptureEvent.FrameCaptured(new RecordedFrame(1, seq, T0 + offsetMicros, from, FrameType.TEXT,
                text.getBytes(StandardCharsets.UTF_8), 1, null));
    }

    /** Sends "ping-me" and returns when each answer came, in ms after sending. */
    private long[] askAndTime(RecordedUpstream.Latency latency) throws Exception {
        try (MockServer mock = MockServer.start(db, List.of(1L), "127.0.0.1", 0, ProtocolRegistry.builtIn(),
                RecordedUpstream.Unmatched.IGNORE, latency, line -> { })) {
            WebSocketRecorder events = new WebSocketRecorder("client");
            WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                    .buildAsync(URI.create("ws://" + mock.listen() + "/slow"), events).get(10, TimeUnit.SECONDS);
            long sent = System.nanoTime();
            ws.sendText("ping-me", true).get(5, TimeUnit.SECONDS);
            events.assertText("first answer");
            long first = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
            events.assertText("second answer");
            long second = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
            ws.sendClose(1000, "").get(5, TimeUnit.SECONDS);
            return new long[] {first, second};
        }
    }

    @Test
    void recordedLatencyDelaysEachAnswerAsRecordedAndNoneAnswersAtOnce() throws Exception {
        recordASlowServer();
        long[] recorded = askAndTime(RecordedUpstream.Latency.RECORDED);
        assertThat(recorded[0]).as("first answer, ms").isGreaterThanOrEqualTo(FIRST_ANSWER_MICROS / 1000);
        assertThat(recorded[1]).as("second answer, ms").isGreaterThanOrEqualTo(SECOND_ANSWER_MICROS / 1000);
        long[] none = askAndTime(RecordedUpstream.Latency.NONE);
        assertThat(none[1]).as("both answers at once, ms").isLessThan(FIRST_ANSWER_MICROS / 1000);
    }
}
