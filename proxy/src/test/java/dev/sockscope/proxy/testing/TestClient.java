package dev.sockscope.proxy.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real WebSocket client that is not Jetty: the JDK's java.net.http implementation. It records
 * everything it receives.
 */
public final class TestClient implements WebSocket.Listener {
    /** Something the client received. */
    public sealed interface Got {
        record Text(String text) implements Got {
        }

        record Binary(byte[] bytes) implements Got {
        }

        record Ping(byte[] bytes) implements Got {
        }

        record Pong(byte[] bytes) implements Got {
        }

        record Close(int code, String reason) implements Got {
        }

        record Error(Throwable error) implements Got {
        }
    }

    public final BlockingQueue<Got> received = new LinkedBlockingQueue<>();
    private final StringBuilder text = new StringBuilder();
    private java.io.ByteArrayOutputStream binary = new java.io.ByteArrayOutputStream();
    public WebSocket socket;

    public static TestClient connect(URI uri, Map<String, String> headers, List<String> subprotocols) throws Exception {
        TestClient client = new TestClient();
        WebSocket.Builder b = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
        headers.forEach(b::header);
        if (!subprotocols.isEmpty()) {
            b.subprotocols(subprotocols.get(0), subprotocols.subList(1, subprotocols.size()).toArray(String[]::new));
        }
        client.socket = b.buildAsync(uri, client).get(15, TimeUnit.SECONDS);
        return client;
    }

    public static TestClient connect(URI uri) throws Exception {
        return connect(uri, Map.of(), List.of());
    }

    /** Attempts a connection that is expected to fail, returning the failure. */
    public static Throwable connectFailure(URI uri) {
        try {
            HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(uri, new TestClient()).get(15, TimeUnit.SECONDS);
        } catch (Exception e) {
            return e.getCause() == null ? e : e.getCause();
        }
        throw new AssertionError("connection to " + uri + " succeeded, a failure was expected");
    }

    public Got next() throws InterruptedException {
        return Queues.next(received, "the client received nothing");
    }

    public Got next(java.time.Duration deadline) throws InterruptedException {
        return Queues.next(received, "the client received nothing", deadline);
    }

    public <T extends Got> T next(Class<T> type) throws InterruptedException {
        return next(type, java.time.Duration.ofSeconds(10));
    }

    /** The next thing received, which must be a {@code type}, waiting up to {@code deadline}. */
    public <T extends Got> T next(Class<T> type, java.time.Duration deadline) throws InterruptedException {
        Got g = next(deadline);
        if (!type.isInstance(g)) {
            throw new AssertionError("expected " + type.getSimpleName() + " but the client got " + g);
        }
        return type.cast(g);
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(Long.MAX_VALUE);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        text.append(data);
        if (last) {
            received.add(new Got.Text(text.toString()));
            text.setLength(0);
        }
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        byte[] b = new byte[data.remaining()];
        data.get(b);
        binary.writeBytes(b);
        if (last) {
            received.add(new Got.Binary(binary.toByteArray()));
            binary = new java.io.ByteArrayOutputStream();
        }
        return null;
    }

    @Override
    public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
        byte[] b = new byte[message.remaining()];
        message.duplicate().get(b);
        received.add(new Got.Ping(b));
        return null; // the JDK answers with a pong itself
    }

    @Override
    public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
        byte[] b = new byte[message.remaining()];
        message.get(b);
        received.add(new Got.Pong(b));
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        received.add(new Got.Close(statusCode, reason));
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        received.add(new Got.Error(error));
    }
}
