package dev.sockscope.proxy.jetty;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.eclipse.jetty.io.EofException;
import org.eclipse.jetty.util.ConstantThrowable;
import org.eclipse.jetty.websocket.core.exception.WebSocketWriteTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.sockscope.wire.FrameType;

/**
 * The outcome of a replay's close. Jetty's client may fail its close frame's own callback ("Closed") when the peer's
 * answering close closes the connection before that callback runs, though the close went through; a replay must not
 * report that as a failure, and must still report a connection that ended without the peer's close.
 */
class ReplayClientCloseTest {
    /** The decision, as a table: what the close frame's callback said, and whether the peer's close came after ours. */
    @Test
    void aFailedCloseCallbackCountsAsSentOnlyWhenThePeerAnsweredIt() {
        Throwable jettyClosed = new ConstantThrowable("Closed"); // WebSocketFlusher's, as PerMessageDeflateExtension fails it
        record Row(Throwable failure, boolean answered, boolean sent) {
        }
        List<Row> table = List.of(
                new Row(jettyClosed, true, true),
                new Row(new ClosedChannelException(), true, true),
                new Row(new EofException("reset"), true, true),
                new Row(new EOFException(), true, true),
                new Row(jettyClosed, false, false),                      // the peer vanished without a close
                new Row(new ClosedChannelException(), false, false),
                new Row(new EofException("reset"), false, false),
                new Row(new IOException("Broken pipe"), true, false),    // a write error is one, answer or not
                new Row(new WebSocketWriteTimeoutException("timeout"), true, false),
                new Row(new IllegalStateException("invalid close"), true, false));
        for (Row r : table) {
            assertThat(ReplayClient.closeWentThrough(r.failure(), r.answered())).as("%s, answered: %s", r.failure(), r.answered())
                    .isEqualTo(r.sent());
        }
    }

    /**
     * The race made deterministic: the upstream reads nothing after the upgrade, so the client's close frame waits behind
     * a message larger than the socket buffers, still unsent, when the upstream's close arrives and Jetty closes the
     * connection, failing that close frame's callback.
     *
     * @param answer true: the upstream sends its close, then ends its output; false: it closes the socket with no close
     */
    @ParameterizedTest(name = "upstream answers with a close: {0}")
    @ValueSource(booleans = {true, false})
    void theCloseIsSentWhenThePeersCloseAnswersItAndFailsWhenThePeerVanishes(boolean answer) throws Exception {
        try (ServerSocket server = new ServerSocket(); ReplayClient client = new ReplayClient()) {
            server.setReceiveBufferSize(4096); // before bind: the accepted socket's window stays small
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            CompletableFuture<Socket> accepted = CompletableFuture.supplyAsync(() -> upgrade(server));
            ReplayClient.Connection c = client.connect(URI.create("ws://127.0.0.1:" + server.getLocalPort() + "/"), List.of(),
                    List.of(), true, Duration.ofSeconds(10)).get(15, TimeUnit.SECONDS);
            try (Socket upstream = accepted.get(15, TimeUnit.SECONDS)) {
                byte[] big = new byte[32 << 20]; // random, so that deflate cannot shrink it into the buffers
                new Random(7).nextBytes(big);
                CompletableFuture<Void> stuck = c.send(FrameType.BINARY, big);
                CompletableFuture<Void> close = c.close(1000, "done");
                assertThat(stuck).as("the message ahead of the close is still unsent").isNotDone();
                assertThat(close).isNotDone();
                if (answer) {
                    upstream.getOutputStream().write(new byte[] {(byte) 0x88, 2, 0x03, (byte) 0xE8}); // close 1000, unmasked
                    upstream.getOutputStream().flush();
                    upstream.shutdownOutput();
                    assertThat(close).as("the close the upstream answered").succeedsWithin(Duration.ofSeconds(15));
                    assertThat(c.closed()).succeedsWithin(Duration.ofSeconds(15));
                } else {
                    upstream.close();
                    assertThat(close).as("the close the upstream never answered").failsWithin(Duration.ofSeconds(15));
                }
                assertThat(stuck).failsWithin(Duration.ofSeconds(15));
            }
        }
    }

    /** Reads the upgrade request and answers 101 with permessage-deflate; reads nothing more. */
    private static Socket upgrade(ServerSocket server) {
        try {
            Socket s = server.accept();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    throw new EOFException("no upgrade request");
                }
                head.write(b);
            }
            String key = head.toString(StandardCharsets.ISO_8859_1).lines()
                    .filter(l -> l.toLowerCase(java.util.Locale.ROOT).startsWith("sec-websocket-key:"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElseThrow();
            String accept = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
                    .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII)));
            s.getOutputStream().write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + accept + "\r\nSec-WebSocket-Extensions: permessage-deflate\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            return s;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
