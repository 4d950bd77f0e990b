package dev.sockscope.proxy.jetty;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.sockscope.capture.CaptureBus;
import dev.sockscope.capture.CaptureEvent;
import dev.sockscope.proxy.Relay;
import dev.sockscope.proxy.RelayOptions;
import dev.sockscope.proxy.Route;
import dev.sockscope.proxy.testing.EventRecorder;
import dev.sockscope.proxy.testing.HttpUpstream;
import dev.sockscope.wire.SessionInfo;

/**
 * How the client's upgrade request reaches the upstream, seen from a raw socket upstream: one connection per
 * upgrade, request targets that java.net.URI refuses, and the client's header order.
 */
@ParameterizedClass
@EnumSource(RelayFixture.Mode.class)
class UpstreamHandshakeTest {
    @Parameter
    RelayFixture.Mode mode;

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
        Relay relay = JettyRelay.start(List.of(new Route("127.0.0.1", 0, upstream.uri())),
                RelayOptions.defaults().withTerminate(mode == RelayFixture.Mode.TERMINATING), bus, ids::getAndIncrement);
        toClose.add(relay);
        return relay;
    }

    /** Sends {@code head} (CRLF line ends added) on a new socket; answers the status line and headers that came back. */
    static String exchange(Relay relay, String... head) throws Exception {
        try (Socket s = new Socket("127.0.0.1", relay.boundRoutes().get(0).listenPort())) {
            s.setSoTimeout(20_000);
            s.getOutputStream().write((String.join("\r\n", head) + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            InputStream in = s.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            while (!got.toString(StandardCharsets.ISO_8859_1).contains("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                got.write(b);
            }
            return got.toString(StandardCharsets.ISO_8859_1);
        }
    }

    static String[] upgrade(String target, String... extra) {
        List<String> lines = new ArrayList<>(List.of("GET " + target + " HTTP/1.1", "Host: 127.0.0.1", "Connection: Upgrade",
                "Upgrade: websocket", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version: 13"));
        lines.addAll(List.of(extra));
        return lines.toArray(String[]::new);
    }

    @Test
    void aRefusedUpgradeLeavesNoConnectionForTheNextClient() throws Exception {
        // The upstream refuses A with a keep-alive 403 and keeps the connection open; B is welcome. A request that
        // arrives second on one connection is answered 500, so a shared connection cannot go unnoticed.
        Relay relay = relayTo(HttpUpstream.start(seen -> {
            if (seen.nth() > 1) {
                return "HTTP/1.1 500 Shared\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
            }
            if ("A".equals(seen.header("X-Client"))) {
                return "HTTP/1.1 403 Forbidden\r\nContent-Length: 6\r\n\r\nno, A.".getBytes(StandardCharsets.US_ASCII);
            }
            return seen.switching();
        }));
        for (int round = 0; round < 3; round++) {
            assertThat(exchange(relay, upgrade("/ws", "X-Client: A"))).startsWith("HTTP/1.1 403");
            assertThat(exchange(relay, upgrade("/ws", "X-Client: B"))).as("round %d", round).startsWith("HTTP/1.1 101");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/ws?q={\"op\":\"sub\",\"ids\":[1,2]}", "/ws?a=1|2&b=^&c=`x`&d=\\", "/ws?bad=%zz&pct=%", "/ws?k=v&note=café", "/ws/{room}|1?k=v"})
    void aRequestTargetJavaNetUriRefusesIsRelayedAndRecorded(String target) throws Exception {
        HttpUpstream upstream = HttpUpstream.start(HttpUpstream.Seen::switching);
        Relay relay = relayTo(upstream);
        PrintStream err = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        String answer;
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
        try {
            answer = exchange(relay, upgrade(target));
        } finally {
            System.setErr(err);
        }
        assertThat(log.toString(StandardCharsets.UTF_8)).doesNotContain("Exception").doesNotContain("\tat ");
        int q = target.indexOf('?');
        if (mode == RelayFixture.Mode.TERMINATING && !target.endsWith("caf\u00e9")) {
            // Jetty's own server handshake needs a java.net.URI: refused before anything is dialled, with the reason.
            assertThat(answer).startsWith("HTTP/1.1 400");
            assertThat(upstream.seen()).isEmpty();
            SessionInfo refused = events.awaitOpened();
            assertThat(refused.handshake().status()).isEqualTo(400);
            assertThat(refused.handshake().query()).isEqualTo(target.substring(q + 1));
            assertThat(events.awaitClosed(refused.id()).error()).contains("not a valid URI").contains("passing through relays it");
            return;
        }
        assertThat(answer).as(log.toString(StandardCharsets.UTF_8)).startsWith("HTTP/1.1 101");
        // Only what a URI cannot carry is escaped: decoded, the upstream reads what the client sent.
        String sent = upstream.seen().get(0).target();
        assertThat(sent).doesNotContainAnyWhitespaces();
        assertThat(URLDecoder.decode(sent.replace("+", "%2B"), StandardCharsets.UTF_8)).isEqualTo(target);
        SessionInfo session = events.awaitOpened();
        assertThat(session.handshake().path()).isEqualTo(q < 0 ? target : target.substring(0, q));
        assertThat(session.handshake().query()).isEqualTo(q < 0 ? null : target.substring(q + 1));
    }

    @Test
    void theUpstreamGetsTheClientsHeaderOrder() throws Exception {
        Assumptions.assumeTrue(mode == RelayFixture.Mode.PASS_THROUGH, "terminating, Jetty's WebSocket client writes its own handshake");
        HttpUpstream upstream = HttpUpstream.start(HttpUpstream.Seen::switching);
        Relay relay = relayTo(upstream);
        assertThat(exchange(relay, "GET /ws HTTP/1.1", "Host: 127.0.0.1", "Connection: Upgrade", "Upgrade: websocket",
                "X-First: 1", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version: 13", "X-Last: 2"))
                .startsWith("HTTP/1.1 101");
        HttpUpstream.Seen seen = upstream.seen().get(0);
        assertThat(seen.header("Host")).isEqualTo(upstream.uri().getAuthority());
        List<String> names = seen.names().stream().filter(n -> List.of("Host", "Connection", "Upgrade", "X-First", "X-Last")
                .contains(n)).toList();
        assertThat(names).containsExactly("Host", "Connection", "Upgrade", "X-First", "X-Last");
        events.awaitOpened();
        assertThat(events.events()).anyMatch(e -> e instanceof CaptureEvent.SessionOpened);
    }
}
