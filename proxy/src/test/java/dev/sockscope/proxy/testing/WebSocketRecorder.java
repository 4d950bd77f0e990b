package dev.sockscope.proxy.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A JDK WebSocket listener in the style of OkHttp's {@code WebSocketRecorder}: every callback (messages reassembled
 * from their fragments, pings, pongs, the close, a failure) goes onto one {@link EventQueue}, and the test asserts
 * them in order, each with a deadline, then {@link #assertExhausted()}.
 */
public final class WebSocketRecorder implements WebSocket.Listener {
    /** Something the client got. */
    public sealed interface Event {
    }

    public record Text(String text) implements Event {
    }

    public record Binary(byte[] bytes) implements Event {
        @Override
        public String toString() {
            return "Binary[" + bytes.length + " bytes]";
        }
    }

    public record Ping(byte[] bytes) implements Event {
        @Override
        public String toString() {
            return "Ping[" + HexFormat.of().formatHex(bytes) + "]";
        }
    }

    public record Pong(byte[] bytes) implements Event {
        @Override
        public String toString() {
            return "Pong[" + HexFormat.of().formatHex(bytes) + "]";
        }
    }

    public record Close(int code, String reason) implements Event {
    }

    public record Failure(Throwable error) implements Event {
    }

    private final EventQueue<Event> events;
    private final StringBuilder text = new StringBuilder();
    private ByteArrayOutputStream binary = new ByteArrayOutputStream();

    public WebSocketRecorder(String owner) {
        this.events = new EventQueue<>(owner);
    }

    /** The next event of any kind (for a test that accepts more than one outcome). */
    public Event next() throws InterruptedException {
        return events.next("event");
    }

    public Event next(Duration deadline) throws InterruptedException {
        return events.next("event", deadline);
    }

    public String nextText() throws InterruptedException {
        return events.next(Text.class).text();
    }

    public String nextText(Duration deadline) throws InterruptedException {
        return events.next(Text.class, deadline).text();
    }

    public byte[] nextBinary() throws InterruptedException {
        return events.next(Binary.class).bytes();
    }

    public byte[] nextBinary(Duration deadline) throws InterruptedException {
        return events.next(Binary.class, deadline).bytes();
    }

    public Close nextClose() throws InterruptedException {
        return events.next(Close.class);
    }

    public void assertText(String expected) throws InterruptedException {
        assertThat(nextText()).isEqualTo(expected);
    }

    public void assertBinary(byte[] expected) throws InterruptedException {
        assertThat(nextBinary()).isEqualTo(expected);
    }

    /** A ping whose payload is this UTF-8 text. */
    public void assertPing(String payload) throws InterruptedException {
        assertThat(new String(events.next(Ping.class).bytes(), StandardCharsets.UTF_8)).isEqualTo(payload);
    }

    /** A pong whose payload is this UTF-8 text. */
    public void assertPong(String payload) throws InterruptedException {
        assertThat(new String(events.next(Pong.class).bytes(), StandardCharsets.UTF_8)).isEqualTo(payload);
    }

    public void assertClose(int code, String reason) throws InterruptedException {
        assertThat(nextClose()).isEqualTo(new Close(code, reason));
    }

    public void assertExhausted() {
        events.assertExhausted();
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(Long.MAX_VALUE);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        text.append(data);
        if (last) {
            events.add(new Text(text.toString()));
            text.setLength(0);
        }
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        binary.writeBytes(copy(data));
        if (last) {
            events.add(new Binary(binary.toByteArray()));
            binary = new ByteArrayOutputStream();
        }
        return null;
    }

    @Override
    public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
        events.add(new Ping(copy(message)));
        return null; // the JDK answers with a pong itself
    }

    @Override
    public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
        events.add(new Pong(copy(message)));
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        events.add(new Close(statusCode, reason));
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        events.add(new Failure(error));
    }

    private static byte[] copy(ByteBuffer buffer) {
        byte[] b = new byte[buffer.remaining()];
        buffer.duplicate().get(b);
        return b;
    }
}
