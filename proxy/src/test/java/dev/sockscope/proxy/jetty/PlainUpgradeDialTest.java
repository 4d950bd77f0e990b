package dev.sockscope.proxy.jetty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.sockscope.capture.CaptureBus;
import dev.sockscope.proxy.Relay;
import dev.sockscope.proxy.RelayOptions;
import dev.sockscope.proxy.Route;
import dev.sockscope.proxy.testing.EventRecorder;
import dev.sockscope.proxy.testing.HttpUpstream;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.RecordedFrame;
import dev.sockscope.wire.SessionEnd;
import dev.sockscope.wire.SessionInfo;

/**
 * The plain {@code ws://} dial ({@link PlainUpgradeDial}) against a raw socket upstream whose answers a test writes byte
 * by byte: what comes right behind a 101, refusals framed every way HTTP allows, answers that are not HTTP, and an
 * upstream that hangs up mid-answer. Each reaches the client as the upstream meant it and is recorded.
 */
class PlainUpgradeDialTest {
    private CaptureBus bus;
    private EventRecorder events;
    private final AtomicLong ids = new AtomicLong(1);
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeEach
    void start() {
        bus = new CaptureBus();
        events = new EventRecorder();
        bus.subscribe("events", events, CaptureBus.Delivery.LOSSLESS, CaptureBus.Limits.DEFAULT);
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        bus.close(Duration.ofSeconds(5));
    }

    private Relay relayTo(HttpUpstream upstream) throws Exception {
        toClose.add(upstream);
        Relay relay = JettyRelay.start(List.of(new Route("127.0.0.1", 0, upstream.uri())), RelayOptions.defaults(), bus,
                ids::getAndIncrement);
        toClose.add(relay);
        return relay;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** Sends an upgrade request; answers the head that came back and up to {@code after} bytes behind it (or to the end). */
    private static String exchange(Relay relay, int after) throws Exception {
        try (Socket s = new Socket("127.0.0.1", relay.boundRoutes().get(0).listenPort())) {
            s.setSoTimeout(20_000);
            s.getOutputStream().write(ascii(String.join("\r\n", UpstreamHandshakeTest.upgrade("/chat?room=1")) + "\r\n\r\n"));
            InputStream in = s.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            int head = -1;
            while (head < 0 || got.size() < head + after) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                got.write(b);
                if (head < 0 && got.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                    head = got.size();
                }
            }
            return got.toString(StandardCharsets.ISO_8859_1);
        }
    }

    private static int headLength(String answer) {
        return answer.indexOf("\r\n\r\n") + 4;
    }

    @Test
    void framesTheUpstreamWritesRightBehindIts101ReachTheClientAndTheRecording() throws Exception {
        byte[] hello = {(byte) 0x81, 5, 'h', 'e', 'l', 'l', 'o'};
        Relay relay = relayTo(HttpUpstream.start(seen -> concat(seen.switching(), hello)));
        String answer = exchange(relay, hello.length);
        int head = headLength(answer);
        assertThat(answer).startsWith("HTTP/1.1 101");
        assertThat(answer.substring(head)).isEqualTo(new String(hello, StandardCharsets.ISO_8859_1));
        SessionInfo opened = events.awaitOpened();
        await().atMost(Duration.ofSeconds(10)).until(() -> !events.frames(opened.id()).isEmpty());
        RecordedFrame first = events.frames(opened.id()).get(0);
        assertThat(first.from()).isEqualTo(Direction.SERVER_TO_CLIENT);
        assertThat(new String(first.payload(), StandardCharsets.UTF_8)).isEqualTo("hello");
    }

    @Test
    void a101LongerThanTheFirstReadIsParsedInPiecesWithTheFramesBehindIt() throws Exception {
        String cookie = "c".repeat(6_000); // past the dial's first read of 4 KiB, within Jetty's 8 KiB for the client's 101
        byte[] hello = {(byte) 0x81, 5, 'h', 'e', 'l', 'l', 'o'};
        Relay relay = relayTo(HttpUpstream.start(seen -> {
            String head = new String(seen.switching(), StandardCharsets.ISO_8859_1);
            head = head.substring(0, head.length() - 2) + "Set-Cookie: big=" + cookie + "\r\n\r\n";
            return concat(ascii(head), hello);
        }));
        String answer = exchange(relay, hello.length);
        assertThat(answer).startsWith("HTTP/1.1 101");
        assertThat(answer.substring(headLength(answer))).isEqualTo(new String(hello, StandardCharsets.ISO_8859_1));
        SessionInfo opened = events.awaitOpened();
        assertThat(opened.handshake().responseHeaders())
                .anySatisfy(h -> assertThat(h.value()).isEqualTo("big=" + cookie));
        await().atMost(Duration.ofSeconds(10)).until(() -> !events.frames(opened.id()).isEmpty());
        assertThat(new String(events.frames(opened.id()).get(0).payload(), StandardCharsets.UTF_8)).isEqualTo("hello");
    }

    @Test
    void aChunkedRefusalReachesTheClientWithItsBody() throws Exception {
        Relay relay = relayTo(HttpUpstream.start(seen -> ascii("HTTP/1.1 403 Forbidden\r\nTransfer-Encoding: chunked\r\n"
                + "Content-Type: text/plain\r\n\r\n6\r\nno, A.\r\n9\r\n Not you.\r\n0\r\n\r\n")));
        String answer = exchange(relay, 10_000);
        assertThat(answer).startsWith("HTTP/1.1 403");
        assertThat(answer.substring(headLength(answer))).isEqualTo("no, A. Not you.");
        SessionInfo opened = events.awaitOpened();
        assertThat(opened.handshake().status()).isEqualTo(403);
        SessionEnd end = events.awaitClosed(opened.id());
        assertThat(end.error()).contains("upstream refused the upgrade with HTTP 403 Forbidden");
    }

    @Test
    void aRefusalThatEndsWithTheConnectionKeepsWhatArrived() throws Exception {
        // No Content-Length and no chunks: the body is whatever comes before the upstream closes.
        java.net.ServerSocket upstream = new java.net.ServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress());
        toClose.add(upstream);
        Thread answering = new Thread(() -> {
            try (Socket s = upstream.accept()) {
                InputStream in = s.getInputStream();
                ByteArrayOutputStream head = new ByteArrayOutputStream();
                while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n") && head.size() < 65_536) {
                    int b = in.read();
                    if (b < 0) {
                        return;
                    }
                    head.write(b);
                }
                s.getOutputStream().write(ascii("HTTP/1.0 401 Unauthorized\r\n\r\nlog in first"));
            } catch (java.io.IOException e) {
                // the test's assertions say what went wrong
            }
        }, "closing-upstream");
        answering.setDaemon(true);
        answering.start();
        Relay relay = JettyRelay.start(List.of(new Route("127.0.0.1", 0, java.net.URI.create("ws://127.0.0.1:" + upstream.getLocalPort()))),
                RelayOptions.defaults(), bus, ids::getAndIncrement);
        toClose.add(relay);
        String answer = exchange(relay, 10_000);
        assertThat(answer).startsWith("HTTP/1.1 401");
        assertThat(answer.substring(headLength(answer))).isEqualTo("log in first");
    }

    @Test
    void anAnswerThatIsNotHttpIsA502SayingSo() throws Exception {
        Relay relay = relayTo(HttpUpstream.start(seen -> ascii("SSH-2.0-OpenSSH_9.2\r\n\r\n")));
        String answer = exchange(relay, 10_000);
        assertThat(answer).startsWith("HTTP/1.1 502");
        SessionInfo opened = events.awaitOpened();
        assertThat(opened.handshake().status()).isEqualTo(502);
        assertThat(events.awaitClosed(opened.id()).error()).contains("malformed HTTP response");
    }

    @Test
    void anInterimAnswerIsSkippedForTheRealOne() throws Exception {
        Relay relay = relayTo(HttpUpstream.start(seen -> concat(ascii("HTTP/1.1 100 Continue\r\n\r\n"), seen.switching())));
        assertThat(exchange(relay, 0)).startsWith("HTTP/1.1 101");
    }
}
