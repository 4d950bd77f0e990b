package dev.sockscope.proxy.jetty;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.OpCode;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import dev.sockscope.proxy.RelayOptions;
import dev.sockscope.proxy.testing.RawClient;
import dev.sockscope.proxy.testing.TestClient;
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
import dev.sockscope.wire.RecordedFrame;
import dev.sockscope.wire.SessionEnd;

/** Messages through the relay and in the recording: kinds, fragments, sizes, deflate, bad frames, a slow recorder. */
@ParameterizedClass
@EnumSource(RelayFixture.Mode.class)
class RelayMessagesTest extends RelayFixture {
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
}
