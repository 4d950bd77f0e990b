package dev.sockscope.proxy.jetty;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.sockscope.proxy.Relay;
import dev.sockscope.proxy.RelayOptions;
import dev.sockscope.proxy.Route;
import dev.sockscope.proxy.testing.Bytes;
import dev.sockscope.proxy.testing.ScriptedUpstream;
import dev.sockscope.proxy.testing.WireClient;
import dev.sockscope.proxy.testing.WireFrames;
import dev.sockscope.wire.ClosedBy;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.RecordedFrame;
import dev.sockscope.wire.SessionEnd;
import dev.sockscope.wire.WireShape;

/** RFC 6455 violations, the client's and the server's, relayed as they were sent and noted in the recording. */
class TransparencyViolationsTest extends TransparencyFixture {
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


    private static String rsvName(int rsv) {
        return switch (rsv) {
            case 4 -> "RSV1";
            case 2 -> "RSV2";
            case 1 -> "RSV3";
            default -> throw new IllegalArgumentException();
        };
    }
}
