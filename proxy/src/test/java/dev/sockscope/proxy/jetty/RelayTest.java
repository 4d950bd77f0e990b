package dev.sockscope.proxy.jetty;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.eclipse.jetty.websocket.core.CloseStatus;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.OpCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.sockscope.proxy.Relay;
import dev.sockscope.proxy.RelayOptions;
import dev.sockscope.proxy.Route;
import dev.sockscope.proxy.testing.EventRecorder;
import dev.sockscope.proxy.testing.RawClient;
import dev.sockscope.proxy.testing.TestClient;
import dev.sockscope.proxy.testing.WebSocketRecorder;
import dev.sockscope.proxy.testing.TestUpstream;
import dev.sockscope.capture.CaptureBus;
import dev.sockscope.decode.CaptureDecoder;
import dev.sockscope.decode.DecodedEvent;
import dev.sockscope.decode.DecodingStage;
import dev.sockscope.decode.ProtocolRegistry;
import dev.sockscope.secrets.SecretMasker;
import dev.sockscope.wire.ClosedBy;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.Header;
import dev.sockscope.wire.RecordedFrame;
import dev.sockscope.wire.SessionEnd;
import dev.sockscope.wire.SessionInfo;

/**
 * The relay between a real client (JDK or Jetty core) and a real Jetty upstream, all on loopback, in both of its
 * modes: passing bytes through (the default) and terminating each leg (re-framing through Jetty's sessions).
 */
@ParameterizedClass
@EnumSource(RelayTest.Mode.class)
class RelayTest {
    enum Mode { PASS_THROUGH, TERMINATING }

    @Parameter
    Mode mode;

    private static final String JWT = "eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjE3MDAwMDAwMDAsInJlcXVlc3RfaWQiOjJ9.c2lnbmF0dXJl";

    private TestUpstream upstream;
    private CaptureBus bus;
    private EventRecorder events;
    private Relay relay;
    private final java.util.concurrent.atomic.AtomicLong ids = new java.util.concurrent.atomic.AtomicLong(1);

    @BeforeEach
    void start() throws Exception {
        upstream = TestUpstream.start();
        bus = new CaptureBus();
        events = new EventRecorder();
        bus.subscribe("events", events, CaptureBus.Delivery.LOSSLESS, CaptureBus.Limits.DEFAULT);
        relay = startRelay(RelayOptions.defaults(), upstream.uri());
    }

    private Relay startRelay(RelayOptions options, URI... upstreams) throws Exception {
        List<Route> routes = java.util.Arrays.stream(upstreams).map(u -> new Route("127.0.0.1", 0, u)).toList();
        return JettyRelay.start(routes, options.withTerminate(mode == Mode.TERMINATING), bus, ids::getAndIncrement);
    }

    @AfterEach
    void stop() throws Exception {
        relay.stop(Duration.ofSeconds(2));
        bus.close(Duration.ofSeconds(5));
        upstream.close();
    }

    private URI proxy(String pathAndQuery) {
        return URI.create("ws://" + relay.boundRoutes().get(0).listen() + pathAndQuery);
    }

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
    void textAndBinaryPassUnchangedAndAreRecordedInOrder() throws Exception {
        TestClient client = TestClient.connect(proxy("/"));
        client.sendText("héllo ✓ {\"cmd\":0}");
        client.events.assertText("héllo ✓ {\"cmd\":0}");
        byte[] bytes = {0, 1, 2, (byte) 0xFF, (byte) 0x80, 42};
        client.sendBinary(bytes);
        client.events.assertBinary(bytes);
        client.sendClose(1000, "bye");
        client.events.assertClose(1000, "bye");
        client.events.assertExhausted();
        assertThat(upstream.nextFrame().text()).isEqualTo("héllo ✓ {\"cmd\":0}");
        assertThat(upstream.nextFrame().payload()).isEqualTo(bytes);
        assertThat(upstream.nextFrame().opcode()).isEqualTo(OpCode.CLOSE);
        upstream.frames.assertExhausted();

        long id = events.awaitOpened().id();
        SessionEnd end = events.awaitClosed(id);
        assertThat(end.closedBy()).isEqualTo(ClosedBy.CLIENT);
        assertThat(end.closeCode()).isEqualTo(1000);
        assertThat(end.closeReason()).isEqualTo("bye");
        assertThat(end.error()).isNull();
        List<RecordedFrame> frames = events.frames(id);
        assertThat(frames).extracting(RecordedFrame::seq).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
        assertThat(frames).extracting(RecordedFrame::from).containsExactly(Direction.CLIENT_TO_SERVER,
                Direction.SERVER_TO_CLIENT, Direction.CLIENT_TO_SERVER, Direction.SERVER_TO_CLIENT,
                Direction.CLIENT_TO_SERVER, Direction.SERVER_TO_CLIENT);
        assertThat(frames).extracting(RecordedFrame::type).containsExactly(FrameType.TEXT, FrameType.TEXT,
                FrameType.BINARY, FrameType.BINARY, FrameType.CLOSE, FrameType.CLOSE);
        assertThat(frames.get(0).text()).isEqualTo("héllo ✓ {\"cmd\":0}");
        assertThat(frames.get(3).payload()).isEqualTo(bytes);
        assertThat(frames.get(4).closeCode()).isEqualTo(1000);
        assertThat(frames.get(4).closeReason()).isEqualTo("bye");
    }

    @Test
    void fragmentsAreRelayedAsTheyArriveNotBufferedWhole() throws Exception {
        TestClient client = TestClient.connect(proxy("/"));
        client.sendText("first half, ", false);
        // The upstream has the first fragment before the client has even sent the second.
        TestUpstream.Received first = upstream.nextFrame();
        assertThat(first.opcode()).isEqualTo(OpCode.TEXT);
        assertThat(first.fin()).isFalse();
        assertThat(first.text()).isEqualTo("first half, ");
        client.sendText("second half");
        TestUpstream.Received second = upstream.nextFrame();
        assertThat(second.opcode()).isEqualTo(OpCode.CONTINUATION);
        assertThat(second.fin()).isTrue();
        client.events.assertText("first half, second half");
        client.events.assertExhausted();

        long id = events.awaitOpened().id();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> events.frames(id).size() == 2);
        RecordedFrame fromClient = events.frames(id).get(0);
        assertThat(fromClient.text()).isEqualTo("first half, second half");
        assertThat(fromClient.fragments()).isEqualTo(2);
        assertThat(events.frames(id).get(1).fragments()).isEqualTo(2);
    }

    @Test
    void pingAndPongAreForwardedBothWaysNotAnsweredByTheProxy() throws Exception {
        TestClient client = TestClient.connect(proxy("/"));
        client.sendPing("are you there".getBytes(StandardCharsets.UTF_8));
        TestUpstream.Received ping = upstream.nextFrame();
        assertThat(ping.opcode()).isEqualTo(OpCode.PING);
        assertThat(ping.text()).isEqualTo("are you there");
        client.events.assertPong("are you there");

        client.sendText("!ping from upstream");
        upstream.nextFrame(); // the command itself
        client.events.assertPing("from upstream");
        client.events.assertExhausted();
        TestUpstream.Received pong = upstream.nextFrame();
        assertThat(pong.opcode()).isEqualTo(OpCode.PONG);
        assertThat(pong.text()).isEqualTo("from upstream");
        upstream.frames.assertExhausted();

        long id = events.awaitOpened().id();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> events.frames(id).size() == 5);
        assertThat(events.frames(id)).extracting(f -> f.from().sender() + " " + f.type().label() + " " + f.text())
                .containsExactly("client ping are you there", "server pong are you there",
                        "client text !ping from upstream", "server ping from upstream", "client pong from upstream");
    }

    @Test
    void upstreamCloseCodeAndReasonReachTheClientExactly() throws Exception {
        TestClient client = TestClient.connect(proxy("/"));
        client.sendText("!close 1008 Invalid or missing token");
        client.events.assertClose(1008, "Invalid or missing token");
        client.events.assertExhausted();
        // The JDK client answers the close by itself once onClose returns.

        long id = events.awaitOpened().id();
        SessionEnd end = events.awaitClosed(id);
        assertThat(end.closedBy()).isEqualTo(ClosedBy.SERVER);
        assertThat(end.closeCode()).isEqualTo(1008);
        assertThat(end.closeReason()).isEqualTo("Invalid or missing token");
        assertThat(end.error()).as("the upstream's own close is no error").isNull();
    }

    @Test
    void clientCloseCodeAndReasonReachTheUpstreamExactly() throws Exception {
        TestClient client = TestClient.connect(proxy("/"));
        client.sendClose(4000, "switching rooms");
        CloseStatus atUpstream = upstream.nextClose();
        assertThat(atUpstream.getCode()).isEqualTo(4000);
        assertThat(atUpstream.getReason()).isEqualTo("switching rooms");
        client.events.assertClose(4000, "switching rooms");
        client.events.assertExhausted();
        assertThat(events.awaitClosed(events.awaitOpened().id()).closedBy()).isEqualTo(ClosedBy.CLIENT);
    }

    @Test
    void upstreamDyingWithoutACloseFrameEndsTheClientConnectionTheSameWay() throws Exception {
        TestClient client = TestClient.connect(proxy("/"));
        client.sendText("!die");
        WebSocketRecorder.Event got = client.events.next();
        SessionEnd end = events.awaitClosed(events.awaitOpened().id());
        if (mode == Mode.PASS_THROUGH) {
            // As without the proxy: the TCP connection ends, no close frame is made up.
            assertThat(got).isInstanceOfAny(WebSocketRecorder.Failure.class, WebSocketRecorder.Close.class);
            if (got instanceof WebSocketRecorder.Close c) {
                assertThat(c.code()).isEqualTo(1006);
            }
            assertThat(end.closedBy()).isEqualTo(ClosedBy.SERVER);
            assertThat(end.closeCode()).isNull();
            assertThat(end.error()).isEqualTo("upstream closed the connection without a close frame");
        } else {
            WebSocketRecorder.Close close = (WebSocketRecorder.Close) got;
            assertThat(close.code()).isEqualTo(1014);
            assertThat(close.reason()).startsWith("upstream connection lost");
            assertThat(end.closedBy()).isEqualTo(ClosedBy.PROXY);
            assertThat(end.closeCode()).isEqualTo(1014);
            assertThat(end.error()).startsWith("upstream connection lost without a close frame");
        }
    }

    @Test
    void clientVanishingEndsTheUpstreamConnection() throws Exception {
        TestClient client = TestClient.connect(proxy("/"));
        client.sendText("still here");
        client.events.nextText();
        client.socket.abort();
        CloseStatus atUpstream = upstream.nextClose();
        SessionEnd end = events.awaitClosed(events.awaitOpened().id());
        if (mode == Mode.PASS_THROUGH) {
            assertThat(atUpstream.getCode()).as("no close frame, as without the proxy").isEqualTo(CloseStatus.NO_CLOSE);
            assertThat(end.closedBy()).isEqualTo(ClosedBy.CLIENT);
            assertThat(end.error()).startsWith("client closed the connection");
        } else {
            assertThat(atUpstream.getCode()).isEqualTo(1001);
            assertThat(atUpstream.getReason()).startsWith("client went away");
            assertThat(end.closedBy()).isEqualTo(ClosedBy.PROXY);
            assertThat(end.error()).startsWith("client connection lost without a close frame");
        }
    }

    @Test
    void aMessageOverTheRecordingLimitPassesAndIsRecordedInPart() throws Exception {
        Assumptions.assumeTrue(mode == Mode.PASS_THROUGH, "terminating, the limit refuses the message (next test)");
        relay.stop(Duration.ofSeconds(1));
        relay = startRelay(RelayOptions.defaults().withMaxMessageBytes(1024), upstream.uri());
        TestClient client = TestClient.connect(proxy("/"));
        client.sendText("x".repeat(600), false);
        client.sendText("y".repeat(600));
        client.events.assertText("x".repeat(600) + "y".repeat(600));
        client.sendText("!binary 5000");
        assertThat(client.events.nextBinary()).hasSize(5000);
        client.sendClose(1000, "");
        client.events.assertClose(1000, "");
        client.events.assertExhausted();

        long id = events.awaitOpened().id();
        SessionEnd end = events.awaitClosed(id);
        assertThat(end.error()).isNull();
        RecordedFrame sent = events.frames(id).get(0);
        assertThat(sent.size()).isEqualTo(1024);
        assertThat(sent.fragments()).isEqualTo(2);
        assertThat(sent.wire().messageBytes()).isEqualTo(1200);
        assertThat(sent.note()).isEqualTo("recorded in part: the first 1024 bytes (--max-message) of 1200");
        RecordedFrame big = events.frames(id).stream().filter(f -> f.type() == FrameType.BINARY).findFirst().orElseThrow();
        assertThat(big.size()).isEqualTo(1024);
        assertThat(big.wire().messageBytes()).isEqualTo(5000);
    }

    @Test
    void terminatingAMessageOverTheLimitClosesBothSidesWith1009() throws Exception {
        Assumptions.assumeTrue(mode == Mode.TERMINATING);
        relay.stop(Duration.ofSeconds(1));
        relay = startRelay(RelayOptions.defaults().withMaxMessageBytes(1024), upstream.uri());
        TestClient client = TestClient.connect(proxy("/"));
        client.sendText("x".repeat(600), false);
        client.sendText("y".repeat(600));
        assertThat(client.events.nextClose().code()).isEqualTo(1009);
        assertThat(upstream.nextClose().getCode()).isEqualTo(1009);

        long id = events.awaitOpened().id();
        SessionEnd end = events.awaitClosed(id);
        assertThat(end.closeCode()).isEqualTo(1009);
        assertThat(end.error()).contains("message too big");
        RecordedFrame refused = events.frames(id).get(0);
        assertThat(refused.size()).isEqualTo(1200);
        assertThat(refused.fragments()).isEqualTo(2);
        assertThat(refused.note()).startsWith("not relayed: message too big");
    }

    @Test
    void invalidUtf8InATextFrame() throws Exception {
        byte[] bad = {'o', 'k', (byte) 0xC3, (byte) 0x28};
        try (RawClient client = RawClient.connect(proxy("/"))) {
            client.send(new Frame(OpCode.TEXT, true, ByteBuffer.wrap(bad)));
            if (mode == Mode.PASS_THROUGH) {
                // Relayed as sent: this upstream (a Jetty core frame handler) does not check UTF-8 and echoes it,
                // exactly as it would without the proxy; the recording says what was wrong, both ways.
                Frame echo = client.nextMessage();
                byte[] echoed = new byte[echo.getPayloadLength()];
                echo.getPayload().get(echoed);
                assertThat(echoed).isEqualTo(bad);
                client.session.close(1000, "", org.eclipse.jetty.util.Callback.NOOP);
                assertThat(upstream.nextClose().getCode()).isEqualTo(1000);
            } else {
                assertThat(client.nextClose().getCode()).isEqualTo(1007);
                assertThat(upstream.nextClose().getCode()).isEqualTo(1007);
            }
        }
        long id = events.awaitOpened().id();
        SessionEnd end = events.awaitClosed(id);
        RecordedFrame sent = events.frames(id).get(0);
        assertThat(sent.payload()).isEqualTo(bad);
        if (mode == Mode.PASS_THROUGH) {
            assertThat(sent.note()).isEqualTo("invalid UTF-8 in a text message");
            assertThat(events.frames(id).get(1).note()).isEqualTo("invalid UTF-8 in a text message");
            assertThat(end.closeCode()).isEqualTo(1000);
        } else {
            assertThat(end.closeCode()).isEqualTo(1007);
            assertThat(sent.note()).isEqualTo("not relayed: invalid UTF-8 in a text message");
            assertThat(end.error()).contains("invalid UTF-8");
        }
    }

    @ParameterizedTest(name = "{0} bytes, permessage-deflate {1}")
    @CsvSource({"8192, false", "8192, true", "1048576, false", "1048576, true", "16777216, false", "16777216, true"})
    void largeMessagesPassBothWaysWithAndWithoutCompression(int size, boolean deflate) throws Exception {
        // An upstream that itself takes deflate messages of any size (Jetty's auto-fragmenting) and 16 MiB.
        try (TestUpstream big = TestUpstream.start(c -> {
            c.setAutoFragment(true);
            c.setMaxFrameSize(32 << 20);
            c.setMaxTextMessageSize(32 << 20);
            c.setMaxBinaryMessageSize(32 << 20);
        })) {
            relay.stop(Duration.ofSeconds(1));
            relay = startRelay(RelayOptions.defaults(), big.uri());
            StringBuilder text = new StringBuilder(size);
            java.util.Random random = new java.util.Random(size);
            while (text.length() < size) {
                text.append("{\"seq\":").append(random.nextInt(1000)).append(",\"text\":\"привет\"},");
            }
            String message = text.substring(0, size);
            byte[] binary = new byte[size];
            random.nextBytes(binary);
            long id;
            if (deflate) {
                try (RawClient client = RawClient.connect(proxy("/"), "permessage-deflate")) {
                    client.session.getNegotiatedExtensions().forEach(e -> assertThat(e.getName()).isEqualTo("permessage-deflate"));
                    client.session.setMaxFrameSize(32 << 20);
                    client.send(new Frame(OpCode.TEXT, message));
                    assertThat(reassemble(client)).isEqualTo(message.getBytes(StandardCharsets.UTF_8));
                    client.send(new Frame(OpCode.BINARY, ByteBuffer.wrap(binary)));
                    assertThat(reassemble(client)).isEqualTo(binary);
                }
            } else {
                TestClient client = TestClient.connect(proxy("/"));
                client.socket.sendText(message, true).get(30, TimeUnit.SECONDS);
                assertThat(client.events.nextText(Duration.ofSeconds(60))).isEqualTo(message);
                client.socket.sendBinary(ByteBuffer.wrap(binary), true).get(30, TimeUnit.SECONDS);
                assertThat(client.events.nextBinary(Duration.ofSeconds(60))).isEqualTo(binary);
                client.socket.sendClose(1000, "").get(30, TimeUnit.SECONDS);
            }
            id = events.awaitOpened().id();
            events.awaitClosed(id);
            List<RecordedFrame> data = events.frames(id).stream().filter(f -> !f.type().isControl()).toList();
            assertThat(data).extracting(RecordedFrame::size).containsExactly(
                    message.getBytes(StandardCharsets.UTF_8).length, message.getBytes(StandardCharsets.UTF_8).length, size, size);
            assertThat(data.get(0).text()).isEqualTo(message);
            assertThat(data.get(3).payload()).isEqualTo(binary);
            assertThat(data).allSatisfy(f -> assertThat(f.note()).isNull());
            if (mode == Mode.PASS_THROUGH) {
                assertThat(data.get(0).wire().compressed()).isEqualTo(deflate);
            }
        }
    }

    /** The next whole message a Jetty core client received, its fragments joined. */
    private static byte[] reassemble(RawClient client) throws Exception {
        Frame f = client.nextMessage();
        byte[] payload = new byte[f.getPayloadLength()];
        f.getPayload().duplicate().get(payload);
        return payload;
    }

    @Test
    void permessageDeflateIsRecordedInflated() throws Exception {
        String text = "compress me ".repeat(200);
        try (RawClient client = RawClient.connect(proxy("/"), "permessage-deflate")) {
            assertThat(client.session.getNegotiatedExtensions()).extracting(e -> e.getName()).contains("permessage-deflate");
            assertThat(upstream.nextHandshake().extensions()).contains("permessage-deflate");
            client.send(new Frame(OpCode.TEXT, text));
            Frame echo = client.nextMessage();
            assertThat(echo.getOpCode()).isEqualTo(OpCode.TEXT);
            assertThat(echo.getPayloadAsUTF8()).isEqualTo(text);
        }
        long id = events.awaitOpened().id();
        assertThat(events.awaitOpened().handshake().extensions()).anyMatch(e -> e.startsWith("permessage-deflate"));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> events.frames(id).size() >= 2);
        assertThat(events.frames(id).get(0).text()).isEqualTo(text);
        assertThat(events.frames(id).get(1).text()).isEqualTo(text);
        if (mode == Mode.PASS_THROUGH) {
            RecordedFrame sent = events.frames(id).get(0);
            assertThat(sent.wire().compressed()).isTrue();
            assertThat(sent.wire().masked()).isTrue();
            assertThat(sent.wire().wireBytes()).isLessThan(text.length());
            assertThat(sent.wire().messageBytes()).isEqualTo(text.length());
            assertThat(sent.note()).isNull();
        }
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
    void aSlowRecorderPausesTheRelayInsteadOfLosingFrames() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicInteger written = new java.util.concurrent.atomic.AtomicInteger();
        bus.subscribe("slow", batch -> {
            release.await();
            written.addAndGet((int) batch.stream().filter(e -> e instanceof dev.sockscope.capture.CaptureEvent.FrameCaptured).count());
        }, CaptureBus.Delivery.LOSSLESS, new CaptureBus.Limits(64 * 1024, 20));
        assertTheRelayWaitsForItsRecorder(release, () -> {
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> written.get() == 400);
            return bus.dropped();
        });
    }

    @Test
    void aSlowRecorderBehindTheDecodingStagePausesTheRelayInsteadOfLosingFrames() throws Exception {
        // The production chain: relay → capture bus → decoding stage → recorder. The recorder is the slow one.
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicInteger written = new java.util.concurrent.atomic.AtomicInteger();
        DecodingStage stage = DecodingStage.attach(bus, new CaptureDecoder(ProtocolRegistry.builtIn(),
                SecretMasker.ephemeral(), false), new CaptureBus.Limits(64 * 1024, 20));
        stage.decoded().subscribe("slow recorder", batch -> {
            release.await();
            written.addAndGet((int) batch.stream().filter(e -> e instanceof DecodedEvent.FrameDecoded).count());
        }, CaptureBus.Delivery.LOSSLESS, new CaptureBus.Limits(64 * 1024, 20));
        // Either queue may be the full one: the stage can take one large read's frames in a single batch.
        assertTheRelayWaitsForItsRecorder(release, () -> !bus.hasCapacity() || !stage.decoded().hasCapacity(), () -> {
            // The client can read an echo before the relay has published it (that follows the write's completion).
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> written.get() == 400);
            stage.flush().get(10, TimeUnit.SECONDS);
            return bus.dropped() + stage.decoded().dropped();
        });
    }

    /**
     * 200 echoed messages while the recorder is stuck: the relay must stop reading (not buffer, not drop), then relay
     * all of them, in order, once {@code release} lets the recorder go; {@code drained} waits until all 400 frames are
     * written and says how many events were dropped.
     */
    private void assertTheRelayWaitsForItsRecorder(java.util.concurrent.CountDownLatch release,
                                                   java.util.concurrent.Callable<Long> drained) throws Exception {
        assertTheRelayWaitsForItsRecorder(release, () -> !bus.hasCapacity(), drained);
    }

    /** @param paused true once the chain in front of the stuck recorder is full (the relay then reads no more) */
    private void assertTheRelayWaitsForItsRecorder(java.util.concurrent.CountDownLatch release, java.util.function.BooleanSupplier paused,
                                                   java.util.concurrent.Callable<Long> drained) throws Exception {
        TestClient client = TestClient.connect(proxy("/"));
        int messages = 200;
        for (int i = 0; i < messages; i++) {
            client.sendText(i + ":" + "x".repeat(1000));
        }
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(paused::getAsBoolean);
        long id = events.awaitOpened().id();
        assertThat(events.frames(id).size()).as("frames relayed while the recorder holds its queue full")
                .isLessThan(2 * messages);
        release.countDown();
        for (int i = 0; i < messages; i++) {
            assertThat(client.events.nextText()).startsWith(i + ":");
        }
        client.events.assertExhausted();
        assertThat(drained.call()).as("events dropped").isZero();
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
    void framesThatArriveInPiecesOrBackToBackAllPassWithoutWaitingForLaterBytes() throws Exception {
        // After a read that leaves room in its buffer, the pass-through pump waits for the selector instead of
        // reading again: whatever arrives after that read must still wake it, however the bytes are cut.
        Assumptions.assumeTrue(mode == Mode.PASS_THROUGH, "terminating, Jetty relays a frame cut in pieces as fragments");
        try (java.net.Socket raw = new java.net.Socket("127.0.0.1", relay.boundRoutes().get(0).listenPort())) {
            raw.setSoTimeout(10_000);
            raw.setTcpNoDelay(true);
            var out = raw.getOutputStream();
            out.write(RFC_SAMPLE_UPGRADE);
            assertThat(readHead(raw.getInputStream())).startsWith("HTTP/1.1 101");
            upstream.nextHandshake();
            for (byte b : maskedText("a byte at a time")) {
                out.write(b);
                out.flush();
            }
            assertThat(upstream.nextFrame().text()).isEqualTo("a byte at a time");
            for (int i = 0; i < 300; i++) {
                out.write(maskedText("back to back " + i));
                out.flush();
            }
            for (int i = 0; i < 300; i++) {
                assertThat(upstream.nextFrame().text()).isEqualTo("back to back " + i);
            }
        }
        long id = events.awaitOpened().id();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> events.frames(id).stream().filter(f -> f.from() == Direction.CLIENT_TO_SERVER).count() == 301);
    }

    /** A masked, final text frame of fewer than 126 bytes, as a client sends it. */
    private static byte[] maskedText(String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        byte[] mask = {0x11, 0x22, 0x33, 0x44};
        byte[] frame = new byte[6 + payload.length];
        frame[0] = (byte) 0x81;
        frame[1] = (byte) (0x80 | payload.length);
        System.arraycopy(mask, 0, frame, 2, 4);
        for (int i = 0; i < payload.length; i++) {
            frame[6 + i] = (byte) (payload[i] ^ mask[i & 3]);
        }
        return frame;
    }

    @Test
    void aReservedOpcodeFromTheClient() throws Exception {
        try (java.net.Socket raw = new java.net.Socket("127.0.0.1", relay.boundRoutes().get(0).listenPort())) {
            raw.setSoTimeout(10_000);
            var out = raw.getOutputStream();
            out.write(RFC_SAMPLE_UPGRADE);
            var in = raw.getInputStream();
            String response = readHead(in);
            assertThat(response).startsWith("HTTP/1.1 101");
            assertThat(response).contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
            upstream.nextHandshake();
            // FIN + reserved opcode 0x3, masked, empty payload.
            out.write(new byte[] {(byte) 0x83, (byte) 0x80, 1, 2, 3, 4});
            out.flush();
            int b0 = in.read();
            int len = in.read() & 0x7F;
            byte[] payload = in.readNBytes(len);
            assertThat(b0 & 0x0F).as("a close frame").isEqualTo(0x8);
            assertThat(((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF)).isEqualTo(1002);
        }
        assertThat(upstream.nextClose().getCode()).isEqualTo(1002);
        long id = events.awaitOpened().id();
        SessionEnd end = events.awaitClosed(id);
        assertThat(end.closeCode()).isEqualTo(1002);
        if (mode == Mode.PASS_THROUGH) {
            // The upstream saw the frame as sent and answered 1002 itself; the recording says what the client did.
            assertThat(end.closedBy()).isEqualTo(ClosedBy.SERVER);
            RecordedFrame reserved = events.frames(id).get(0);
            assertThat(reserved.wire().opcode()).isEqualTo(0x3);
            assertThat(reserved.note()).isEqualTo("reserved opcode 0x3");
        } else {
            assertThat(end.error()).contains("client connection failed (1002)");
        }
    }

    @Test
    void anIdleSessionIsClosedByTheProxyWith1001OnBothSides() throws Exception {
        relay.stop(Duration.ofSeconds(1));
        relay = startRelay(RelayOptions.defaults().withIdleTimeout(Duration.ofSeconds(1)), upstream.uri());
        TestClient client = TestClient.connect(proxy("/"));
        assertThat(client.events.nextClose().code()).isEqualTo(1001);
        client.events.assertExhausted();
        assertThat(upstream.nextClose().getCode()).isEqualTo(1001);
        SessionEnd end = events.awaitClosed(events.awaitOpened().id());
        assertThat(end.closedBy()).isEqualTo(ClosedBy.PROXY);
        assertThat(end.closeCode()).isEqualTo(1001);
    }

    @Test
    void shutdownWaitsForTheFrameInProgressBeforeItsClose() throws Exception {
        Assumptions.assumeTrue(mode == Mode.PASS_THROUGH, "terminating, Jetty frames every message itself");
        try (java.net.Socket raw = new java.net.Socket("127.0.0.1", relay.boundRoutes().get(0).listenPort())) {
            raw.setSoTimeout(10_000);
            var out = raw.getOutputStream();
            out.write(RFC_SAMPLE_UPGRADE);
            var in = raw.getInputStream();
            assertThat(readHead(in)).startsWith("HTTP/1.1 101");
            // The first half of a masked 10-byte text frame "0123456789" (mask 0): the proxy must not close inside it.
            out.write(new byte[] {(byte) 0x81, (byte) 0x8A, 0, 0, 0, 0, '0', '1', '2', '3', '4'});
            out.flush();
            long id = events.awaitOpened().id();
            Thread stopper = new Thread(() -> relay.stop(Duration.ofSeconds(5)));
            stopper.start();
            // The proxy's close toward the client comes at once (that direction is between frames).
            int b0 = in.read();
            assertThat(b0 & 0x0F).isEqualTo(0x8);
            byte[] close = in.readNBytes(in.read() & 0x7F);
            assertThat(((close[0] & 0xFF) << 8) | (close[1] & 0xFF)).isEqualTo(1001);
            // The frame is finished, then the client answers the close: the upstream gets the whole frame, then 1001.
            out.write(new byte[] {'5', '6', '7', '8', '9', (byte) 0x88, (byte) 0x82, 0, 0, 0, 0, 0x03, (byte) 0xE9});
            out.flush();
            assertThat(upstream.nextFrame().text()).isEqualTo("0123456789");
            assertThat(upstream.nextClose().getCode()).isEqualTo(1001);
            assertThat(in.read()).as("the proxy closes TCP once both peers answered").isEqualTo(-1);
            stopper.join(10_000);
            SessionEnd end = events.awaitClosed(id);
            assertThat(end.closedBy()).isEqualTo(ClosedBy.PROXY);
            assertThat(end.closeCode()).isEqualTo(1001);
            assertThat(events.frames(id)).extracting(f -> f.from().sender() + " " + f.type().label() + " " + f.note())
                    .contains("client text null", "server close sent by the proxy to the client",
                            "client close sent by the proxy to the upstream",
                            "client close not relayed: sent after the proxy closed the session");
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

    /** An upgrade with RFC 6455's sample key, whose Accept is s3pPLMBiTxaQ9kYGzzhZRbK+xOo=. */
    private static final byte[] RFC_SAMPLE_UPGRADE = ("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
            + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);

    private static String readHead(java.io.InputStream in) throws java.io.IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                break;
            }
            head.append((char) c);
        }
        return head.toString();
    }

    @Test
    void shutdownClosesOpenSessionsWith1001OnBothSides() throws Exception {
        TestClient client = TestClient.connect(proxy("/"));
        client.sendText("hello");
        client.events.nextText();
        long id = events.awaitOpened().id();
        relay.stop(Duration.ofSeconds(5));
        assertThat(client.events.nextClose().code()).isEqualTo(1001);
        client.events.assertExhausted();
        assertThat(upstream.nextClose().getCode()).isEqualTo(1001);
        SessionEnd end = events.awaitClosed(id);
        assertThat(end.closedBy()).isEqualTo(ClosedBy.PROXY);
        assertThat(end.closeCode()).isEqualTo(1001);
    }
}
