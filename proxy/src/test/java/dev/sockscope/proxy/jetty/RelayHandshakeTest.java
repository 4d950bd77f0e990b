package dev.sockscope.proxy.jetty;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.sockscope.proxy.RelayOptions;
import dev.sockscope.proxy.testing.TestClient;
import dev.sockscope.proxy.testing.TestUpstream;
import dev.sockscope.wire.ClosedBy;
import dev.sockscope.wire.Header;
import dev.sockscope.wire.SessionEnd;
import dev.sockscope.wire.SessionInfo;

/** The upgrade through the relay: headers, refusals, dead or silent upstreams, bad or slow handshakes, routes. */
@ParameterizedClass
@EnumSource(RelayFixture.Mode.class)
class RelayHandshakeTest extends RelayFixture {
    private static final String JWT = "eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjE3MDAwMDAwMDAsInJlcXVlc3RfaWQiOjJ9.c2lnbmF0dXJl";

    @Test
    void handshakeHeadersQueryAndSubprotocolsPassThrough() throws Exception {
        TestClient client = TestClient.connect(proxy("/ws?sid=2"),
                Map.of("platform", "qq", "authorization", "Bearer secret-token", "Cookie", "zavodchat_token=6f1c; other=1",
                        "Origin", "https://chat.example"),
                List.of("access_token", JWT));

        TestUpstream.SeenHandshake seen = upstream.nextHandshake();
        assertThat(seen.path()).isEqualTo("/ws");
        assertThat(seen.query()).isEqualTo("sid=2");
        assertThat(seen.header("platform")).isEqualTo("qq");
        assertThat(seen.header("authorization")).isEqualTo("Bearer secret-token");
        assertThat(seen.header("Cookie")).isEqualTo("zavodchat_token=6f1c; other=1");
        assertThat(seen.header("Origin")).isEqualTo("https://chat.example");
        assertThat(seen.header("User-Agent")).startsWith("Java-http-client");
        assertThat(seen.subprotocols()).containsExactly("access_token", JWT);
        // Handshake headers are each side's own: exactly one of each, none copied from the client.
        assertThat(seen.count("Host")).isEqualTo(1);
        assertThat(seen.count("Sec-WebSocket-Key")).isEqualTo(1);
        assertThat(seen.count("Accept-Encoding")).as("no Accept-Encoding the client did not send").isZero();
        assertThat(seen.header("Host")).isEqualTo("127.0.0.1:" + upstream.port());
        assertThat(client.socket.getSubprotocol()).isEqualTo("access_token");

        SessionInfo session = events.awaitOpened();
        assertThat(session.handshake().status()).isEqualTo(101);
        assertThat(session.handshake().path()).isEqualTo("/ws");
        assertThat(session.handshake().query()).isEqualTo("sid=2");
        assertThat(session.handshake().subprotocol()).isEqualTo("access_token");
        assertThat(session.handshake().responseHeaders()).contains(new Header("X-Upstream", "test"));
        if (mode == Mode.PASS_THROUGH) {
            // The upstream's answer, verbatim: its own Server header included.
            assertThat(session.handshake().responseHeaders().stream().map(Header::name)).contains("Set-Cookie", "Server");
            assertThat(seen.count("Pragma")).as("nothing the client did not send").isZero();
            assertThat(seen.count("Cache-Control")).isZero();
        } else {
            assertThat(session.handshake().responseHeaders().stream().map(Header::name))
                    .contains("Set-Cookie").doesNotContain("Server");
        }
        assertThat(session.upstream()).isEqualTo(upstream.uri().toString());
        assertThat(session.listen()).isEqualTo(relay.boundRoutes().get(0).listen()).doesNotEndWith(":0");
        client.sendClose(1000, "done");
        events.awaitClosed(session.id());
    }

    @ParameterizedTest
    @ValueSource(ints = {401, 403, 404, 503})
    void refusedUpgradeReachesTheClientWithTheSameStatus(int status) throws Exception {
        Throwable failure = TestClient.connectFailure(proxy("/status/" + status));
        assertThat(failure).isInstanceOf(WebSocketHandshakeException.class);
        assertThat(((WebSocketHandshakeException) failure).getResponse().statusCode()).isEqualTo(status);

        if (mode == Mode.PASS_THROUGH) {
            // The upstream's own refusal reaches the client: its headers too.
            assertThat(((WebSocketHandshakeException) failure).getResponse().headers().firstValue("X-Refused-By"))
                    .contains("test-upstream");
        }
        SessionInfo session = events.awaitOpened();
        assertThat(session.handshake().status()).isEqualTo(status);
        SessionEnd end = events.awaitClosed(session.id());
        assertThat(end.error()).contains("refused the upgrade with HTTP " + status);
        assertThat(end.closedBy()).isEqualTo(ClosedBy.SERVER);
    }

    @Test
    void unreachableUpstreamIsA502() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        relay.stop(Duration.ofSeconds(1));
        relay = startRelay(RelayOptions.defaults(), URI.create("ws://127.0.0.1:" + closedPort));

        Throwable failure = TestClient.connectFailure(proxy("/"));
        assertThat(((WebSocketHandshakeException) failure).getResponse().statusCode()).isEqualTo(502);
        SessionInfo session = events.awaitOpened();
        assertThat(session.handshake().status()).isEqualTo(502);
        assertThat(events.awaitClosed(session.id()).error()).contains("unreachable").contains("connection refused");
    }

    @Test
    void oneProcessFrontsSeveralUpstreamsEachOnItsOwnAddress() throws Exception {
        try (TestUpstream voice = TestUpstream.start()) {
            relay.stop(Duration.ofSeconds(1));
            relay = startRelay(RelayOptions.defaults(), upstream.uri(), voice.uri());
            URI main = URI.create("ws://" + relay.boundRoutes().get(0).listen() + "/?status=2");
            URI vc = URI.create("ws://" + relay.boundRoutes().get(1).listen() + "/?channel=2");
            TestClient a = TestClient.connect(main);
            TestClient b = TestClient.connect(vc);
            assertThat(upstream.nextHandshake().query()).isEqualTo("status=2");
            assertThat(voice.nextHandshake().query()).isEqualTo("channel=2");
            b.sendText("{\"name\":\"enable_video\",\"data\":{\"codec\":\"VP8\",\"bitrate\":800}}");
            assertThat(voice.nextFrame().text()).contains("enable_video");
            assertThat(b.events.nextText()).contains("enable_video");
            a.sendClose(1000, "");
            b.sendClose(1000, "");
        }
    }

    @Test
    void anUpstreamThatNeverAnswersTheHandshakeIsA504() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            relay.stop(Duration.ofSeconds(1));
            RelayOptions quick = new RelayOptions(RelayOptions.DEFAULT_MAX_MESSAGE_BYTES, false, Duration.ofSeconds(1), Duration.ofHours(1));
            relay = startRelay(quick, URI.create("ws://127.0.0.1:" + silent.getLocalPort()));
            Throwable failure = TestClient.connectFailure(proxy("/"));
            assertThat(((WebSocketHandshakeException) failure).getResponse().statusCode()).isEqualTo(504);
            SessionEnd end = events.awaitClosed(events.awaitOpened().id());
            assertThat(end.error()).contains("did not complete the handshake within 1 s");
        }
    }

    @Test
    void aClientThatTricklesItsHandshakeIsCutOffAtTheHandshakeDeadline() throws Exception {
        Assumptions.assumeTrue(mode == Mode.PASS_THROUGH, "the handshake is handled the same in both modes");
        relay.stop(Duration.ofSeconds(1));
        relay = startRelay(RelayOptions.defaults().withHandshakeTimeout(Duration.ofSeconds(1)), upstream.uri());
        java.util.concurrent.ScheduledExecutorService trickle = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        try (java.net.Socket raw = new java.net.Socket("127.0.0.1", relay.boundRoutes().get(0).listenPort())) {
            raw.setSoTimeout(10_000);
            var out = raw.getOutputStream();
            out.write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.US_ASCII));
            // One header byte every 100 ms: each keeps the connection from being idle, none completes the request.
            trickle.scheduleAtFixedRate(() -> {
                try {
                    out.write('X');
                    out.flush();
                } catch (java.io.IOException closed) {
                    // the proxy hung up: what the test waits for
                }
            }, 0, 100, TimeUnit.MILLISECONDS);
            long start = System.nanoTime();
            int read;
            try {
                read = raw.getInputStream().read();
            } catch (java.net.SocketException reset) {
                read = -1;
            }
            long waitedMs = (System.nanoTime() - start) / 1_000_000;
            assertThat(read).isEqualTo(-1);
            assertThat(waitedMs).isBetween(500L, 5_000L);
        } finally {
            trickle.shutdownNow();
        }
        upstream.handshakes.assertExhausted();
    }

    @Test
    void anUpgradeWithoutAKeyIsRefusedBeforeAnythingIsDialled() throws Exception {
        try (java.net.Socket raw = new java.net.Socket("127.0.0.1", relay.boundRoutes().get(0).listenPort())) {
            raw.setSoTimeout(10_000);
            raw.getOutputStream().write(("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String answer = new String(raw.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 400").contains("no Sec-WebSocket-Key");
        }
        try (java.net.Socket raw = new java.net.Socket("127.0.0.1", relay.boundRoutes().get(0).listenPort())) {
            raw.setSoTimeout(10_000);
            raw.getOutputStream().write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String answer = new String(raw.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 426").contains("point a WebSocket client at this address")
                    .doesNotContain(upstream.uri().toString()).doesNotContain(String.valueOf(upstream.port()));
        }
        upstream.handshakes.assertExhausted();
        assertThat(events.events()).isEmpty();
    }
}
