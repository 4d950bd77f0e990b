package dev.sockscope.proxy.jetty;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import java.util.zip.Deflater;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.sockscope.proxy.Relay;
import dev.sockscope.proxy.RelayOptions;
import dev.sockscope.proxy.Route;
import dev.sockscope.proxy.testing.Bytes;
import dev.sockscope.proxy.testing.EventRecorder;
import dev.sockscope.proxy.testing.MessageDeflate;
import dev.sockscope.proxy.testing.ScriptedUpstream;
import dev.sockscope.proxy.testing.TestUpstream;
import dev.sockscope.proxy.testing.WireClient;
import dev.sockscope.proxy.testing.WireFrames;
import dev.sockscope.capture.CaptureBus;
import dev.sockscope.wire.ClosedBy;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.RecordedFrame;
import dev.sockscope.wire.SessionEnd;
import dev.sockscope.wire.SessionInfo;
import dev.sockscope.wire.WireShape;

/**
 * The same bytes, sent once straight to a real Jetty echo upstream and once through Sockscope, must get the
 * client the same answer: the same bytes after the 101 (echoes, close frame and code) and the same kind of
 * TCP end. Through Sockscope the recording must also hold every frame both peers sent, as they sent it, with
 * a note on each RFC 6455 violation. This is what a user pointing the Autobahn fuzzing client at Sockscope in
 * front of an echo server expects: no case may come out differently because of the proxy.
 */
class TransparencyTest {
    /** The sample key of RFC 6455 §1.3: the same for both runs, so the Accept answers are the same too. */
    private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final int KIB = 1024;
    private static final int MIB = 1024 * 1024;

    /** TestUpstream as it is: whole frames, Jetty's 8 KiB permessage-deflate buffers (1009 at 8 KiB inflated). */
    private static TestUpstream exact;
    /** Auto-fragmenting: inflates and deflates messages of any size, echoing them in frames of its own. */
    private static TestUpstream fragmenting;

    private CaptureBus bus;
    private EventRecorder events;
    private Relay relay;
    private final AtomicLong ids = new AtomicLong(1);

    @BeforeAll
    static void upstreams() throws Exception {
        exact = TestUpstream.start();
        fragmenting = TestUpstream.start(c -> c.setAutoFragment(true));
    }

    @AfterAll
    static void stopUpstreams() throws Exception {
        exact.close();
        fragmenting.close();
    }

    @BeforeEach
    void startRelay() throws Exception {
        bus = new CaptureBus();
        events = new EventRecorder();
        bus.subscribe("events", events, CaptureBus.Delivery.LOSSLESS, CaptureBus.Limits.DEFAULT);
        relay = JettyRelay.start(List.of(new Route("127.0.0.1", 0, exact.uri()), new Route("127.0.0.1", 0, fragmenting.uri())),
                RelayOptions.defaults(), bus, ids::getAndIncrement);
    }

    @AfterEach
    void stopRelay() {
        relay.stop(Duration.ofSeconds(2));
        bus.close(Duration.ofSeconds(5));
        for (TestUpstream u : List.of(exact, fragmenting)) {
            u.frames.clear(); // large messages: keep the heap for the next case
            u.handshakes.clear();
            u.closes.clear();
        }
    }

    // ---- 1. reserved RSV bits after a valid message ----

    @ParameterizedTest(name = "RSV bits {0} without an extension")
    @ValueSource(ints = {2, 1, 4})
    void reservedRsvBitsAfterAValidMessage(int rsv) throws Exception {
        Script script = new Script()
                .frame(true, 0, 0x1, utf8("hello before the bad frame"), null)
                .frame(true, rsv, 0x1, utf8("this frame has RSV bits"), "RSV bits " + rsvName(rsv)
                        + " set without an extension that defines them")
                .oneWrite();

        Pair runs = bothWays(exact, 0, null, script);

        List<WireFrames.Frame> got = runs.direct.received().frames();
        assertThat(got).as("direct: the echo of the valid message, then Jetty's close").hasSizeGreaterThanOrEqualTo(2);
        assertThat(got.get(0).payload()).isEqualTo(utf8("hello before the bad frame"));
        assertThat(got.get(got.size() - 1).opcode()).isEqualTo(0x8);
        assertThat(got.get(got.size() - 1).closeCode()).isEqualTo(1002);
        assertSameForTheClient(runs, true);
        assertRecorded(runs, script, false, false);
    }

    // ---- 2. reserved opcodes after a valid message ----

    @ParameterizedTest(name = "reserved opcode 0x{0}")
    @ValueSource(ints = {0x3, 0xB})
    void reservedOpcodeAfterAValidMessage(int opcode) throws Exception {
        Script script = new Script()
                .frame(true, 0, 0x2, new byte[] {1, 2, 3, 4, 5}, null)
                .frame(true, 0, opcode, utf8("what is this"), "reserved opcode 0x" + Integer.toHexString(opcode).toUpperCase(Locale.ROOT))
                .oneWrite();

        Pair runs = bothWays(exact, 0, null, script);

        List<WireFrames.Frame> got = runs.direct.received().frames();
        assertThat(got.get(0).payload()).as("direct: the valid message is echoed").isEqualTo(new byte[] {1, 2, 3, 4, 5});
        assertThat(got.get(got.size() - 1).closeCode()).isEqualTo(1002);
        assertSameForTheClient(runs, true);
        assertRecorded(runs, script, false, false);
    }

    // ---- 3. a continuation frame with nothing to continue ----

    @Test
    void continuationWithNothingToContinue() throws Exception {
        Script script = new Script()
                .frame(true, 0, 0x1, utf8("a whole message"), null)
                .frame(true, 0, 0x0, utf8("continuing nothing"), "continuation frame with no message to continue")
                .oneWrite();

        Pair runs = bothWays(exact, 0, null, script);

        List<WireFrames.Frame> got = runs.direct.received().frames();
        assertThat(got.get(0).payload()).isEqualTo(utf8("a whole message"));
        assertThat(got.get(got.size() - 1).closeCode()).isEqualTo(1002);
        assertSameForTheClient(runs, true);
        assertRecorded(runs, script, false, false);
    }

    // ---- 4. invalid UTF-8 in a text frame sent in several small writes ----

    @Test
    void invalidUtf8SentByteByByte() throws Exception {
        ByteArrayOutputStream bad = new ByteArrayOutputStream();
        bad.writeBytes(utf8("valid so far: é, then "));
        bad.writeBytes(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}); // a UTF-16 surrogate: never UTF-8
        bad.writeBytes(utf8(" and more"));
        Script script = new Script()
                .frame(true, 0, 0x1, utf8("first, a valid one"), null)
                .frame(true, 0, 0x1, bad.toByteArray(), "invalid UTF-8 in a text message")
                .close(1000)
                .byteByByte();

        Pair runs = bothWays(exact, 0, null, script);

        // Jetty's core echo does not check UTF-8 (its message layer would): it echoes the bad text as it came.
        List<WireFrames.Frame> got = runs.direct.received().frames();
        assertThat(got).extracting(WireFrames.Frame::opcode).containsExactly(0x1, 0x1, 0x8);
        assertThat(got.get(0).payload()).isEqualTo(utf8("first, a valid one"));
        assertThat(got.get(1).payload()).isEqualTo(bad.toByteArray());
        assertSameForTheClient(runs, true);
        assertRecorded(runs, script, false, false);
    }

    // ---- 5. a close frame followed by more frames in the same write ----

    @Test
    void closeFollowedByMoreFramesInTheSameWrite() throws Exception {
        Script script = new Script()
                .frame(true, 0, 0x1, utf8("before the close"), null)
                .frame(true, 0, 0x8, WireFrames.closePayload(1000, "bye"), null)
                .frame(true, 0, 0x1, utf8("after the close"), "sent after the sender's close frame")
                .frame(true, 0, 0x9, utf8("ping after the close"), "sent after the sender's close frame")
                .oneWrite();

        Pair runs = bothWays(exact, 0, null, script);

        List<WireFrames.Frame> got = runs.direct.received().frames();
        assertThat(got).extracting(WireFrames.Frame::opcode).as("direct: the echo, then the close answer").containsExactly(0x1, 0x8);
        assertThat(got.get(1).closeCode()).isEqualTo(1000);
        assertThat(runs.direct.received().end()).isEqualTo(WireClient.End.EOF);
        assertSameForTheClient(runs, true);
        assertRecorded(runs, script, false, false);
    }

    // ---- more of what the Autobahn fuzzing client sends: each violation after a valid message ----

    @ParameterizedTest(name = "{0}")
    @MethodSource("otherViolations")
    void otherViolationsPassThroughAndAreNoted(String name, String offer, Script script) throws Exception {
        Pair runs = bothWays(exact, 0, offer, script);

        List<String> got = messages(runs.direct.received().frames(), offer != null, false);
        assertThat(got).as("direct: the valid message's echo first").hasSizeGreaterThanOrEqualTo(2);
        assertThat(got.get(0)).isEqualTo("TEXT " + Bytes.summary(utf8("valid first")));
        assertThat(got).as("direct: Jetty closes").anyMatch(m -> m.startsWith("CLOSE"));
        assertSameForTheClient(runs, true);
        assertRecorded(runs, script, offer != null, false);
    }

    static Stream<Arguments> otherViolations() {
        byte[] badReason = {0x03, (byte) 0xE8, (byte) 0xC3, 0x28}; // 1000, then a broken 2-byte sequence
        return Stream.of(
                Arguments.of("unmasked client frame", null, valid()
                        .frame(true, 0, 0x1, utf8("not masked"), false, "client frame not masked").oneWrite()),
                Arguments.of("close code 1005", null, valid()
                        .frame(true, 0, 0x8, WireFrames.closePayload(1005, ""), "close code 1005 may not be sent").oneWrite()),
                Arguments.of("close code 999", null, valid()
                        .frame(true, 0, 0x8, WireFrames.closePayload(999, "odd"), "close code 999 may not be sent").oneWrite()),
                Arguments.of("close with a 1-byte payload", null, valid()
                        .frame(true, 0, 0x8, new byte[] {0x03}, "close frame with a 1-byte payload").oneWrite()),
                Arguments.of("close reason not UTF-8", null, valid()
                        .frame(true, 0, 0x8, badReason, "close reason is not valid UTF-8").oneWrite()),
                Arguments.of("ping of 126 bytes", null, valid()
                        .frame(true, 0, 0x9, new byte[126], "control frame payload over 125 bytes (126)").oneWrite()),
                Arguments.of("fragmented ping", null, valid()
                        .frame(false, 0, 0x9, utf8("half a ping"), "fragmented control frame").oneWrite()),
                Arguments.of("new message before the last fragment", null, valid()
                        .frame(false, 0, 0x1, utf8("first part"), "a new message started before this one's last fragment")
                        .frame(true, 0, 0x1, utf8("a new message"), null).oneWrite()),
                Arguments.of("deflate: RSV1 on a ping", "permessage-deflate", new Script().deflate(false)
                        .message(0x1, utf8("valid first"), 0, true)
                        .frame(true, 4, 0x9, utf8("compressed ping?"), "RSV bits RSV1 set without an extension that defines them")
                        .oneWrite()),
                Arguments.of("deflate: RSV1 on a continuation", "permessage-deflate", new Script().deflate(false)
                        .message(0x1, utf8("valid first"), 0, true)
                        .frame(false, 0, 0x1, utf8("plain part, "), null)
                        .frame(true, 4, 0x0, utf8("then RSV1"), "RSV bits RSV1 set without an extension that defines them")
                        .expectOneMessage(2, FrameType.TEXT, utf8("plain part, then RSV1"),
                                new WireShape(0x1, 0, 21, 21, false, true),
                                "RSV bits RSV1 set without an extension that defines them")
                        .oneWrite()),
                Arguments.of("deflate: valid, split in writes of 3 bytes", "permessage-deflate", new Script().deflate(false)
                        .message(0x1, utf8("valid first"), 0, true)
                        .message(0x1, compressible(3000, 7), 100, true)
                        .message(0x2, random(700, 8), 0, true)
                        .close(1000)
                        .inWritesOf(3)),
                Arguments.of("deflate: data that cannot be inflated", "permessage-deflate",
                        new Script().deflate(false)
                                .message(0x1, utf8("valid first"), 0, true)
                                // BFINAL=1, BTYPE=11: a block type DEFLATE reserves
                                .frame(true, 4, 0x1, new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF}, null)
                                .expectOneMessage(1, FrameType.TEXT, null, null, "could not be inflated")
                                .oneWrite()));
    }

    /** A script that starts with a valid text message the upstream echoes. */
    private static Script valid() {
        return new Script().frame(true, 0, 0x1, utf8("valid first"), null);
    }

    // ---- a 64-bit length with its most significant bit set (RFC 6455 §5.2 forbids it) ----

    @Test
    void frameLengthWithTheMostSignificantBitSet() throws Exception {
        Script script = valid();
        script.raw(new byte[] {(byte) 0x81, (byte) 0xFF, (byte) 0x80, 0, 0, 0, 0, 0, 0, 5, 1, 2, 3, 4, 'h' ^ 1, 'e' ^ 2, 'l' ^ 3, 'l' ^ 4, 'o' ^ 1});
        script.oneWrite();

        Pair runs = bothWays(exact, 0, null, script);

        List<WireFrames.Frame> got = runs.direct.received().frames();
        assertThat(got.get(0).payload()).isEqualTo(utf8("valid first"));
        assertThat(got.get(got.size() - 1).opcode()).as("direct: Jetty closes").isEqualTo(0x8);
        assertSameForTheClient(runs, true);

        // The tap reads on as Jetty would not: everything after that header is that frame's payload, so the
        // client's close answer is in it too. The recording keeps the valid message and the broken one, noted.
        SessionEnd end = events.awaitClosed(runs.sessionId());
        List<RecordedFrame> fromClient = events.frames(runs.sessionId()).stream()
                .filter(f -> f.from() == Direction.CLIENT_TO_SERVER).toList();
        assertThat(fromClient).hasSize(2);
        assertThat(fromClient.get(0).payload()).isEqualTo(utf8("valid first"));
        assertThat(fromClient.get(0).note()).isNull();
        assertThat(fromClient.get(1).note()).contains("frame length has the most significant bit set").contains("incomplete");
        assertThat(fromClient.get(1).payload()).startsWith(utf8("hello"));
        assertFrames(events.frames(runs.sessionId()), Direction.SERVER_TO_CLIENT, expectedFrom(got, false, false));
        assertThat(end.closedBy()).isEqualTo(ClosedBy.SERVER);
    }

    // ---- --max-message bounds the recording, not the relay ----

    @Test
    void maxMessageBoundsTheRecordingNotTheRelay() throws Exception {
        Script script = new Script().deflate(false)
                .message(0x1, compressible(64 * KIB, 11), 4 * KIB, true)
                .message(0x2, random(3000, 12), 0, true)
                .message(0x1, utf8("short, after the cut ones"), 0, true)
                .close(1000)
                .oneWrite();
        try (Relay small = JettyRelay.start(List.of(new Route("127.0.0.1", 0, fragmenting.uri())),
                RelayOptions.defaults().withMaxMessageBytes(1000), bus, ids::getAndIncrement)) {
            Run direct = run(fragmenting.port(), "permessage-deflate", script);
            Run proxied = run(small.boundRoutes().get(0).listenPort(), "permessage-deflate", script);
            Pair runs = new Pair(direct, proxied, events.awaitOpened());

            assertEchoedEveryMessage(direct, script, false);
            assertSameMessagesForTheClient(runs, false);

            events.awaitClosed(runs.sessionId());
            // Each message recorded up to 1000 bytes, its full size in wire(); the inflater keeps going past the
            // cut, or the short message after could not be decoded.
            List<Expected> cut = script.expected().stream().map(e -> e.payload.length <= 1000 ? e
                    : new Expected(e.type, Arrays.copyOf(e.payload, 1000), e.fragments, e.wire, "recorded in part")).toList();
            assertFrames(events.frames(runs.sessionId()), Direction.CLIENT_TO_SERVER, cut);
            List<Expected> fromServer = expectedFrom(proxied.received().frames(), true, false).stream()
                    .map(e -> e.payload.length <= 1000 ? e
                            : new Expected(e.type, Arrays.copyOf(e.payload, 1000), e.fragments, e.wire, "recorded in part")).toList();
            assertFrames(events.frames(runs.sessionId()), Direction.SERVER_TO_CLIENT, fromServer);
        }
    }

    // ---- the other way round: a broken server's frames reach the client untouched ----

    @Test
    void serverViolationsPassThroughAndAreNoted() throws Exception {
        byte[] mask = {1, 2, 3, 4};
        ByteArrayOutputStream server = new ByteArrayOutputStream();
        server.writeBytes(WireFrames.frame(true, 0, 0x1, utf8("a valid server message"), null));
        server.writeBytes(WireFrames.frame(true, 0, 0x1, utf8("masked by the server"), mask));
        server.writeBytes(WireFrames.frame(true, 2, 0x2, new byte[] {9, 9}, null));
        server.writeBytes(WireFrames.frame(true, 0, 0x4, utf8("reserved"), null));
        server.writeBytes(WireFrames.frame(true, 0, 0x8, WireFrames.closePayload(1000, "done"), null));
        try (ScriptedUpstream broken = ScriptedUpstream.start(server.toByteArray());
             Relay toBroken = JettyRelay.start(List.of(new Route("127.0.0.1", 0, broken.uri())), RelayOptions.defaults(), bus,
                     ids::getAndIncrement)) {
            Script none = new Script().oneWrite();
            Run direct = run(broken.port(), null, none);
            Run proxied = run(toBroken.boundRoutes().get(0).listenPort(), null, none);
            Pair runs = new Pair(direct, proxied, events.awaitOpened());

            assertThat(direct.received().bytes()).as("direct: the bytes as the server wrote them").isEqualTo(server.toByteArray());
            assertSameForTheClient(runs, true);

            SessionEnd end = events.awaitClosed(runs.sessionId());
            List<Expected> fromServer = new ArrayList<>(expectedFrom(direct.received().frames(), false, false));
            fromServer.set(1, fromServer.get(1).withNote("server frame masked"));
            fromServer.set(2, fromServer.get(2).withNote("RSV bits RSV2 set without an extension that defines them"));
            fromServer.set(3, fromServer.get(3).withNote("reserved opcode 0x4"));
            byte[] code = WireFrames.closePayload(1000, "");
            assertFrames(events.frames(runs.sessionId()), Direction.SERVER_TO_CLIENT, fromServer);
            assertFrames(events.frames(runs.sessionId()), Direction.CLIENT_TO_SERVER,
                    List.of(new Expected(FrameType.CLOSE, code, 1, new WireShape(0x8, 0, 2, 2, false, true), null)));
            assertThat(end.closedBy()).isEqualTo(ClosedBy.SERVER);
            assertThat(end.closeCode()).isEqualTo(1000);
        }
    }

    // ---- an upstream that drops TCP without a close frame ----

    @Test
    void upstreamDroppingTcpWithoutAClose() throws Exception {
        Script script = new Script()
                .frame(true, 0, 0x1, utf8("echo me"), null)
                .frame(true, 0, 0x1, utf8("!die"), null) // TestUpstream aborts its connection
                .oneWrite();

        Pair runs = bothWays(exact, 0, null, script);

        List<WireFrames.Frame> got = runs.direct.received().frames();
        assertThat(got).extracting(WireFrames.Frame::opcode).as("direct: the echo, then no close frame").containsExactly(0x1);
        assertSameHandshake(runs);
        assertThat(Bytes.summary(runs.proxied.received().bytes())).isEqualTo(Bytes.summary(runs.direct.received().bytes()));
        assertThat(runs.proxied.received().end()).as("how the TCP connection ended").isEqualTo(runs.direct.received().end());

        SessionEnd end = events.awaitClosed(runs.sessionId());
        assertFrames(events.frames(runs.sessionId()), Direction.CLIENT_TO_SERVER, script.expected());
        assertFrames(events.frames(runs.sessionId()), Direction.SERVER_TO_CLIENT, expectedFrom(got, false, false));
        assertThat(end.closedBy()).isEqualTo(ClosedBy.SERVER);
        assertThat(end.closeCode()).isNull();
        assertThat(end.error()).contains("without a close frame");
    }

    // ---- frames written right behind the upgrade request, before the 101 ----

    @Test
    void framesSentBeforeThe101() throws Exception {
        Script script = new Script()
                .frame(true, 0, 0x1, utf8("sent before the 101 came"), null)
                .frame(true, 0, 0x9, utf8("early ping"), null)
                .close(1000)
                .oneWrite();
        byte[] early = script.bytes();

        Run direct = runEarly(exact.port(), early);
        Run proxied = runEarly(relay.boundRoutes().get(0).listenPort(), early);
        Pair runs = new Pair(direct, proxied, events.awaitOpened());

        assertThat(direct.received().frames()).extracting(WireFrames.Frame::opcode)
                .as("direct: the echo, the pong, the close answer").containsExactly(0x1, 0xA, 0x8);
        assertSameForTheClient(runs, true);
        assertRecorded(runs, script, false, false);
    }

    private static Run runEarly(int port, byte[] early) throws Exception {
        try (WireClient client = WireClient.connect("127.0.0.1", port, "/transparency", KEY, null, early)) {
            assertThat(client.response().status()).isEqualTo(101);
            // Nothing more to write: the close is in the early bytes, so the server's close is not answered.
            return new Run(client.response(), client.awaitEnd(DEADLINE));
        }
    }

    // ---- 6. permessage-deflate ----

    /** Jetty's own defaults: framing is deterministic, so the two runs must give the same bytes, 1009 included. */
    @ParameterizedTest(name = "{0} B in fragments of {1} B (0: whole)")
    @MethodSource("jettyDefaultsCases")
    void deflateWithJettyDefaultBuffers(int size, int fragment) throws Exception {
        Offer offer = new Offer("permessage-deflate");
        Script script = new Script().deflate(offer.clientNoContextTakeover());
        script.message(0x1, compressible(size, 1), fragment, true);
        script.close(1000).oneWrite();

        Pair runs = bothWays(exact, 0, offer.header, script);

        assertThat(runs.direct.response().header("Sec-WebSocket-Extensions")).isEqualTo("permessage-deflate");
        List<WireFrames.Frame> got = runs.direct.received().frames();
        if (size < 8 * KIB && fragment == 0) {
            assertThat(got).extracting(WireFrames.Frame::opcode).containsExactly(0x1, 0x8);
            assertThat(got.get(1).closeCode()).isEqualTo(1000);
        } else if (fragment == 0) {
            // Jetty 12.1.12 with autoFragment off: "Inflated payload exceeded the decompress buffer size".
            assertThat(got.get(got.size() - 1).closeCode()).isEqualTo(1009);
        }
        assertSameForTheClient(runs, true);
        assertRecorded(runs, script, true, false);
    }

    static Stream<Arguments> jettyDefaultsCases() {
        return Stream.of(Arguments.of(16, 0), Arguments.of(8191, 0), Arguments.of(8192, 0),
                Arguments.of(8191, 256), Arguments.of(64 * KIB, 4 * KIB));
    }

    /** Every size with the plain offer: compressible text and random binary, whole and in 256 B and 4 KiB fragments. */
    @ParameterizedTest(name = "plain offer, {0}, fragments of {1} B (0: whole)")
    @MethodSource("plainOfferCases")
    void deflateAllSizesPlainOffer(String kind, int fragment) throws Exception {
        Offer offer = new Offer("permessage-deflate");
        Script script = new Script().deflate(false);
        int seed = 1;
        for (int size : new int[] {16, 8191, 8192, 64 * KIB, MIB, 16 * MIB}) {
            if (kind.equals("text")) {
                script.message(0x1, compressible(size, seed++), fragment, true);
            } else {
                script.message(0x2, random(size, seed++), fragment, true);
            }
        }
        script.message(0x1, utf8("sent uncompressed"), 0, false); // RSV1 clear: legal between compressed ones
        script.close(1000);
        script.inWritesOf(256 * KIB);

        Pair runs = bothWays(fragmenting, 1, offer.header, script);

        assertThat(runs.direct.response().header("Sec-WebSocket-Extensions")).isEqualTo("permessage-deflate");
        assertEchoedEveryMessage(runs.direct, script, false);
        assertSameMessagesForTheClient(runs, false);
        assertRecorded(runs, script, true, false);
    }

    static Stream<Arguments> plainOfferCases() {
        return Stream.of("text", "random").flatMap(k -> Stream.of(0, 256, 4 * KIB).map(f -> Arguments.of(k, f)));
    }

    /** The other parameter sets, each with a few sizes and both fragment sizes in one session. */
    @ParameterizedTest(name = "offer: {0}")
    @MethodSource("otherOffers")
    void deflateOtherOffers(String header) throws Exception {
        Offer offer = new Offer(header);
        Script script = new Script().deflate(offer.clientNoContextTakeover());
        script.message(0x1, compressible(16, 1), 0, true);
        script.message(0x1, compressible(8191, 2), 256, true);
        script.message(0x2, random(8192, 3), 0, true);
        script.message(0x1, compressible(64 * KIB, 4), 4 * KIB, true);
        script.message(0x2, random(MIB, 5), 4 * KIB, true);
        script.message(0x1, utf8("sent uncompressed"), 0, false);
        script.message(0x1, compressible(16, 1), 0, true); // the first again: context taken over, or not
        script.close(1000);
        script.inWritesOf(64 * KIB);

        Pair runs = bothWays(fragmenting, 1, header, script);

        // What Jetty answers (and so what both legs run with): it keeps the *_no_context_takeover parameters and
        // drops the window-bits ones, since it always uses a 32 KiB window (15 bits).
        String answer = runs.direct.response().header("Sec-WebSocket-Extensions");
        assertThat(answer).isEqualTo(offer.expectedJettyAnswer());
        boolean serverNoContextTakeover = answer.contains("server_no_context_takeover");
        assertEchoedEveryMessage(runs.direct, script, serverNoContextTakeover);
        assertSameMessagesForTheClient(runs, serverNoContextTakeover);
        assertRecorded(runs, script, true, serverNoContextTakeover);
    }

    static Stream<String> otherOffers() {
        List<String> offers = new ArrayList<>(List.of(
                "permessage-deflate; client_no_context_takeover",
                "permessage-deflate; server_no_context_takeover",
                "permessage-deflate; client_no_context_takeover; server_no_context_takeover"));
        for (int bits = 9; bits <= 15; bits++) {
            offers.add("permessage-deflate; server_max_window_bits=" + bits);
            offers.add("permessage-deflate; client_max_window_bits=" + bits);
        }
        return offers.stream();
    }

    // ---- running the same bytes both ways ----

    /** One client's view of a session. */
    private record Run(WireClient.Response response, WireClient.Received received) {
    }

    private record Pair(Run direct, Run proxied, SessionInfo session) {
        long sessionId() {
            return session.id();
        }
    }

    /** Sends {@code script} straight to {@code upstream}, then through relay route {@code route} (which leads to it). */
    private Pair bothWays(TestUpstream upstream, int route, String offer, Script script) throws Exception {
        Run direct = run(upstream.port(), offer, script);
        Run proxied = run(relay.boundRoutes().get(route).listenPort(), offer, script);
        SessionInfo session = events.awaitOpened();
        return new Pair(direct, proxied, session);
    }

    private static Run run(int port, String offer, Script script) throws Exception {
        try (WireClient client = WireClient.connect("127.0.0.1", port, "/transparency", KEY, offer)) {
            assertThat(client.response().status()).as("upgrade answer on port " + port).isEqualTo(101);
            client.write(script.writes);
            return new Run(client.response(), client.awaitEnd(DEADLINE));
        }
    }

    /** The upgrade answer, every byte after it and the TCP end are the same both ways. */
    private static void assertSameForTheClient(Pair runs, boolean rawBytes) {
        assertSameHandshake(runs);
        assertThat(describe(runs.proxied.received().frames())).as("frames the client got through Sockscope")
                .isEqualTo(describe(runs.direct.received().frames()));
        if (rawBytes) {
            assertThat(Bytes.summary(runs.proxied.received().bytes())).as("bytes after the 101")
                    .isEqualTo(Bytes.summary(runs.direct.received().bytes()));
        }
        assertThat(runs.proxied.received().end()).as("how the TCP connection ended").isEqualTo(runs.direct.received().end());
        assertThat(runs.direct.received().end()).as("Jetty closes TCP cleanly").isEqualTo(WireClient.End.EOF);
    }

    /**
     * With an auto-fragmenting upstream the echo's framing follows how the bytes arrived (Jetty echoes partial
     * frames as they come), which the proxy's reads change as TCP would: the messages, close and TCP end are what
     * must be the same.
     */
    private static void assertSameMessagesForTheClient(Pair runs, boolean serverNoContextTakeover) {
        assertSameHandshake(runs);
        assertThat(messages(runs.proxied.received().frames(), true, serverNoContextTakeover))
                .as("messages the client got through Sockscope")
                .isEqualTo(messages(runs.direct.received().frames(), true, serverNoContextTakeover));
        assertThat(runs.proxied.received().end()).as("how the TCP connection ended").isEqualTo(runs.direct.received().end());
        assertThat(runs.direct.received().end()).isEqualTo(WireClient.End.EOF);
    }

    private static void assertSameHandshake(Pair runs) {
        assertThat(runs.proxied.response().statusLine()).isEqualTo(runs.direct.response().statusLine());
        assertThat(headerLines(runs.proxied.response())).as("the 101's headers through Sockscope")
                .containsExactlyInAnyOrderElementsOf(headerLines(runs.direct.response()));
        // The recording says what was negotiated: the upstream's answer, which the client got as it was.
        assertThat(runs.session.handshake().status()).isEqualTo(101);
        String extensions = runs.direct.response().header("Sec-WebSocket-Extensions");
        assertThat(runs.session.handshake().extensions()).as("extensions in the recording")
                .isEqualTo(extensions == null ? List.of() : List.of(extensions));
    }

    /** The headers, Date's value left out: the two runs may fall in different seconds. */
    private static List<String> headerLines(WireClient.Response response) {
        return response.headers().stream().map(h -> h[0].toLowerCase(Locale.ROOT) + ": "
                + (h[0].equalsIgnoreCase("Date") ? "(a date)" : h[1])).toList();
    }

    /** The upstream echoed every message of the script, in order, then answered the close with 1000. */
    private static void assertEchoedEveryMessage(Run run, Script script, boolean serverNoContextTakeover) {
        List<String> sent = new ArrayList<>();
        for (Expected e : script.expected()) {
            sent.add(e.type + " " + (e.type == FrameType.CLOSE ? closeText(e.payload) : Bytes.summary(e.payload)));
        }
        List<String> got = messages(run.received().frames(), true, serverNoContextTakeover);
        assertThat(got).as("echoes of everything sent, then the close answer").isEqualTo(sent);
    }

    // ---- what the recording must hold ----

    private void assertRecorded(Pair runs, Script script, boolean deflate, boolean serverNoContextTakeover) {
        SessionEnd end = events.awaitClosed(runs.sessionId());
        List<RecordedFrame> recorded = events.frames(runs.sessionId());

        List<Expected> fromClient = new ArrayList<>(script.expected());
        List<WireFrames.Frame> fromServer = runs.proxied.received().frames();
        if (!script.hasClose) {
            // The client answered the server's close with the same code.
            WireFrames.Frame serverClose = fromServer.stream().filter(f -> f.opcode() == 0x8).findFirst().orElseThrow();
            byte[] code = Arrays.copyOf(serverClose.payload(), Math.min(2, serverClose.payload().length));
            fromClient.add(new Expected(FrameType.CLOSE, code, 1, new WireShape(0x8, 0, code.length, code.length, false, true), null));
        }
        assertFrames(recorded, Direction.CLIENT_TO_SERVER, fromClient);
        assertFrames(recorded, Direction.SERVER_TO_CLIENT, expectedFrom(fromServer, deflate, serverNoContextTakeover));

        WireFrames.Frame firstClose = script.hasClose
                ? WireFrames.parse(script.bytes()).stream().filter(f -> f.opcode() == 0x8).findFirst().orElseThrow()
                : fromServer.stream().filter(f -> f.opcode() == 0x8).findFirst().orElseThrow();
        assertThat(end.closedBy()).as("who closed first").isEqualTo(script.hasClose ? ClosedBy.CLIENT : ClosedBy.SERVER);
        assertThat(end.closeCode()).isEqualTo(firstClose.closeCode() < 0 ? null : firstClose.closeCode());
    }

    private static void assertFrames(List<RecordedFrame> recorded, Direction from, List<Expected> expected) {
        List<RecordedFrame> got = recorded.stream().filter(f -> f.from() == from).toList();
        List<String> gotLines = new ArrayList<>();
        for (int i = 0; i < got.size(); i++) {
            RecordedFrame f = got.get(i);
            Expected e = i < expected.size() ? expected.get(i) : null;
            gotLines.add(f.type() + " " + (e != null && e.payload == null ? "?" : Bytes.summary(f.payload()))
                    + " fragments=" + f.fragments() + " " + (e != null && e.wire == null ? "?" : String.valueOf(f.wire())));
        }
        assertThat(gotLines).as("recorded " + from).isEqualTo(expected.stream().map(Expected::describe).toList());
        for (int i = 0; i < expected.size(); i++) {
            Expected e = expected.get(i);
            RecordedFrame f = got.get(i);
            if (e.note == null) {
                assertThat(f.note()).as("note of recorded " + from + " #" + i).isNull();
            } else {
                assertThat(f.note()).as("note of recorded " + from + " #" + i).contains(e.note);
            }
        }
    }

    /** What the tap must record of frames a peer sent: messages reassembled and inflated, control frames each. */
    private static List<Expected> expectedFrom(List<WireFrames.Frame> frames, boolean deflate, boolean noContextTakeover) {
        MessageDeflate.Decompressor inflater = new MessageDeflate.Decompressor(noContextTakeover);
        List<Expected> out = new ArrayList<>();
        List<WireFrames.Frame> message = new ArrayList<>();
        for (WireFrames.Frame f : frames) {
            boolean reserved = (f.opcode() >= 0x3 && f.opcode() <= 0x7) || f.opcode() >= 0xB;
            if (f.control() || reserved) {
                FrameType type = switch (f.opcode()) {
                    case 0x8 -> FrameType.CLOSE;
                    case 0x9 -> FrameType.PING;
                    case 0xA -> FrameType.PONG;
                    default -> FrameType.BINARY;
                };
                out.add(new Expected(type, f.payload(), 1,
                        new WireShape(f.opcode(), f.rsv(), f.payload().length, f.payload().length, false, f.masked()), null));
                continue;
            }
            message.add(f);
            if (!f.fin()) {
                continue;
            }
            WireFrames.Frame first = message.get(0);
            ByteArrayOutputStream wire = new ByteArrayOutputStream();
            message.forEach(m -> wire.writeBytes(m.payload()));
            boolean compressed = deflate && (first.rsv() & 4) != 0 && first.opcode() != 0;
            byte[] payload = compressed ? inflater.decompress(wire.toByteArray()) : wire.toByteArray();
            boolean text = first.opcode() == 0x1;
            out.add(new Expected(text ? FrameType.TEXT : FrameType.BINARY, payload, message.size(),
                    new WireShape(first.opcode(), first.rsv(), wire.size(), payload.length, compressed, first.masked()),
                    text && !validUtf8(payload) ? "invalid UTF-8 in a text message" : null));
            message.clear();
        }
        if (!message.isEmpty()) {
            // A message still open when the connection closed is recorded for what it holds, saying so.
            ByteArrayOutputStream wire = new ByteArrayOutputStream();
            message.forEach(m -> wire.writeBytes(m.payload()));
            WireFrames.Frame first = message.get(0);
            boolean compressed = deflate && (first.rsv() & 4) != 0 && first.opcode() != 0;
            out.add(new Expected(first.opcode() == 0x1 ? FrameType.TEXT : FrameType.BINARY, compressed ? null : wire.toByteArray(),
                    message.size(), compressed ? null : new WireShape(first.opcode(), first.rsv(), wire.size(), wire.size(), false,
                    first.masked()), "incomplete"));
        }
        return out;
    }

    /** The messages in {@code frames} as comparable lines: type and inflated payload, close frames with their payload. */
    private static List<String> messages(List<WireFrames.Frame> frames, boolean deflate, boolean noContextTakeover) {
        return expectedFrom(frames, deflate, noContextTakeover).stream()
                .map(e -> e.type + " " + (e.type == FrameType.CLOSE ? closeText(e.payload)
                        : e.payload == null ? "?" : Bytes.summary(e.payload)))
                .toList();
    }

    private static String closeText(byte[] payload) {
        return payload.length < 2 ? "(no code)" : (((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF)) + " "
                + new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
    }

    private static List<String> describe(List<WireFrames.Frame> frames) {
        return frames.stream().map(WireFrames.Frame::toString).toList();
    }

    /** A recorded frame as the test expects it; {@code note} is a part the note must hold, or null for no note. */
    private record Expected(FrameType type, byte[] payload, int fragments, WireShape wire, String note) {
        Expected withNote(String other) {
            return new Expected(type, payload, fragments, wire, other);
        }

        String describe() {
            return type + " " + (payload == null ? "?" : Bytes.summary(payload)) + " fragments=" + fragments + " "
                    + (wire == null ? "?" : String.valueOf(wire));
        }
    }

    /**
     * What the client sends: frames (masked with keys from a fixed seed, so both runs send the same bytes),
     * how they are cut into writes, and what the recording must say about each.
     */
    private static final class Script {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final List<Expected> expected = new ArrayList<>();
        private final Random masks = new Random(6455);
        private List<byte[]> writes;
        private MessageDeflate.Compressor compressor;
        private boolean hasClose;

        /** From now on messages may be compressed (permessage-deflate negotiated). */
        Script deflate(boolean noContextTakeover) {
            compressor = new MessageDeflate.Compressor(Deflater.BEST_SPEED, noContextTakeover);
            return this;
        }

        /**
         * One frame as given, recorded on its own (a fragment without its message is recorded as an unfinished
         * message); {@code note}: what the recording must say about it (null: nothing).
         */
        Script frame(boolean fin, int rsv, int opcode, byte[] payload, String note) {
            return frame(fin, rsv, opcode, payload, true, note);
        }

        Script frame(boolean fin, int rsv, int opcode, byte[] payload, boolean masked, String note) {
            byte[] frame = WireFrames.frame(fin, rsv, opcode, payload, masked ? mask() : null);
            bytes.writeBytes(frame);
            if (opcode == 0x8) {
                hasClose = true;
            }
            FrameType type = switch (opcode) {
                case 0x1 -> FrameType.TEXT;
                case 0x8 -> FrameType.CLOSE;
                case 0x9 -> FrameType.PING;
                case 0xA -> FrameType.PONG;
                default -> FrameType.BINARY;
            };
            expected.add(new Expected(type, payload, 1,
                    new WireShape(opcode, rsv, payload.length, payload.length, false, masked), note));
            return this;
        }

        /** A data message, compressed when asked, its payload cut into frames of {@code fragment} bytes (0: one frame). */
        Script message(int opcode, byte[] data, int fragment, boolean compress) {
            byte[] wire = compress ? compressor.compress(data) : data;
            int frames = 0;
            int at = 0;
            do {
                int n = fragment == 0 ? wire.length : Math.min(fragment, wire.length - at);
                boolean first = at == 0;
                boolean fin = at + n == wire.length;
                bytes.writeBytes(WireFrames.frame(fin, first && compress ? 4 : 0, first ? opcode : 0x0,
                        Arrays.copyOfRange(wire, at, at + n), mask()));
                at += n;
                frames++;
            } while (at < wire.length);
            expected.add(new Expected(opcode == 0x1 ? FrameType.TEXT : FrameType.BINARY, data, frames,
                    new WireShape(opcode, compress ? 4 : 0, wire.length, data.length, compress, true), null));
            return this;
        }

        /**
         * The last {@code frames} frames given with {@link #frame} are one message to the tap: they are expected
         * as one record. A null {@code payload} or {@code wire} is not checked (what the tap makes of data it
         * cannot inflate is its own business; the note is what matters).
         */
        Script expectOneMessage(int frames, FrameType type, byte[] payload, WireShape wire, String note) {
            for (int i = 0; i < frames; i++) {
                expected.remove(expected.size() - 1);
            }
            expected.add(new Expected(type, payload, frames, wire, note));
            return this;
        }

        /** Bytes as they are; what the recording must hold of them is the test's to say. */
        Script raw(byte[] wire) {
            bytes.writeBytes(wire);
            return this;
        }

        Script close(int code) {
            return frame(true, 0, 0x8, WireFrames.closePayload(code, ""), null);
        }

        /** Everything in one write. */
        Script oneWrite() {
            writes = List.of(bytes.toByteArray());
            return this;
        }

        /** One write (and flush) per byte. */
        Script byteByByte() {
            byte[] all = bytes.toByteArray();
            writes = new ArrayList<>();
            for (byte b : all) {
                writes.add(new byte[] {b});
            }
            return this;
        }

        Script inWritesOf(int size) {
            byte[] all = bytes.toByteArray();
            writes = new ArrayList<>();
            for (int at = 0; at < all.length; at += size) {
                writes.add(Arrays.copyOfRange(all, at, Math.min(all.length, at + size)));
            }
            return this;
        }

        byte[] bytes() {
            return bytes.toByteArray();
        }

        /** The data messages and control frames the recording must hold, close included, in order. */
        List<Expected> expected() {
            return List.copyOf(expected);
        }

        private byte[] mask() {
            byte[] m = new byte[4];
            masks.nextBytes(m);
            return m;
        }
    }

    /** A Sec-WebSocket-Extensions offer and what Jetty 12.1.12 answers it with. */
    private record Offer(String header) {
        boolean clientNoContextTakeover() {
            return header.contains("client_no_context_takeover");
        }

        String expectedJettyAnswer() {
            StringBuilder s = new StringBuilder("permessage-deflate");
            if (header.contains("client_no_context_takeover")) {
                s.append(";client_no_context_takeover");
            }
            if (header.contains("server_no_context_takeover")) {
                s.append(";server_no_context_takeover");
            }
            return s.toString();
        }
    }

    // ---- payloads ----

    /** JSON-like text that compresses well, exactly {@code size} bytes of ASCII. */
    private static byte[] compressible(int size, int seed) {
        StringBuilder s = new StringBuilder(size + 128);
        Random r = new Random(seed);
        String[] users = {"alice", "bob", "carol", "dave"};
        for (int i = 0; s.length() < size; i++) {
            s.append("{\"seq\":").append(i).append(",\"user\":\"").append(users[r.nextInt(users.length)])
                    .append("\",\"text\":\"the quick brown fox jumps over the lazy dog\",\"ok\":true}\n");
        }
        return s.substring(0, size).getBytes(StandardCharsets.US_ASCII);
    }

    /** Bytes from a fixed seed: as good as incompressible. */
    private static byte[] random(int size, int seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static boolean validUtf8(byte[] b) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String rsvName(int rsv) {
        return switch (rsv) {
            case 4 -> "RSV1";
            case 2 -> "RSV2";
            case 1 -> "RSV3";
            default -> throw new IllegalArgumentException();
        };
    }
}
