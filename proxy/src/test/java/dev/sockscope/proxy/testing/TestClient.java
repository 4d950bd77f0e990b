package dev.sockscope.proxy.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real WebSocket client that is not Jetty: the JDK's java.net.http implementation, with a
 * {@link WebSocketRecorder} for everything it receives.
 */
public final class TestClient {
    private static final long SEND_SECONDS = 5;

    /** What the client received, in order. */
    public final WebSocketRecorder events = new WebSocketRecorder("the client");
    public WebSocket socket;

    public static TestClient connect(URI uri, Map<String, String> headers, List<String> subprotocols) throws Exception {
        TestClient client = new TestClient();
        WebSocket.Builder b = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
        headers.forEach(b::header);
        if (!subprotocols.isEmpty()) {
            b.subprotocols(subprotocols.get(0), subprotocols.subList(1, subprotocols.size()).toArray(String[]::new));
        }
        client.socket = b.buildAsync(uri, client.events).get(15, TimeUnit.SECONDS);
        return client;
    }

    public static TestClient connect(URI uri) throws Exception {
        return connect(uri, Map.of(), List.of());
    }

    /** Attempts a connection that is expected to fail, returning the failure. */
    public static Throwable connectFailure(URI uri) {
        try {
            HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(uri, new WebSocketRecorder("a refused client"))
                    .get(15, TimeUnit.SECONDS);
        } catch (Exception e) {
            return e.getCause() == null ? e : e.getCause();
        }
        throw new AssertionError("connection to " + uri + " succeeded, a failure was expected");
    }

    /** Sends a whole text message and waits until it is written. */
    public void sendText(String text) throws Exception {
        socket.sendText(text, true).get(SEND_SECONDS, TimeUnit.SECONDS);
    }

    /** Sends one fragment of a text message ({@code last}: the final one) and waits until it is written. */
    public void sendText(String fragment, boolean last) throws Exception {
        socket.sendText(fragment, last).get(SEND_SECONDS, TimeUnit.SECONDS);
    }

    public void sendBinary(byte[] bytes) throws Exception {
        socket.sendBinary(ByteBuffer.wrap(bytes), true).get(SEND_SECONDS, TimeUnit.SECONDS);
    }

    public void sendPing(byte[] payload) throws Exception {
        socket.sendPing(ByteBuffer.wrap(payload)).get(SEND_SECONDS, TimeUnit.SECONDS);
    }

    public void sendClose(int code, String reason) throws Exception {
        socket.sendClose(code, reason).get(SEND_SECONDS, TimeUnit.SECONDS);
    }
}
