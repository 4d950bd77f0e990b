package dev.sockscope.recordings;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sockscope.decode.FrameDecoding;
import dev.sockscope.decode.Kind;
import dev.sockscope.decode.Warning;
import dev.sockscope.decode.ProtocolRegistry;
import dev.sockscope.capture.CaptureEvent;
import dev.sockscope.wire.ClosedBy;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.Provenance;
import dev.sockscope.wire.RecordedFrame;
import dev.sockscope.wire.WireShape;
import dev.sockscope.wire.SessionEnd;

/** Decodings stored beside frames, and recordings made before decoding existed. */
class DecodedRecordingTest {
    @TempDir
    Path dir;

    /** Version 2 blocks are a contract too. */
    private static final String GOLDEN_V2 = "02" + "01"
            + "01" + "e807" + "00" + "01" + "00" + "02" + "6869"      // seq 1, t 1000, client text, "hi"
            + "01" + "036d6178" + "024f4b" + "00" + "0173"                // decoding: "max", "OK", request, "s"
            + "00" + "e907" + "01" + "0177";                              // no correlation, latency 1000, warning "w"

    /** Version 3 is version 2's frame and decoding followed by the wire shape. */
    private static final String GOLDEN_V3 = "03" + "01"
            + "01" + "e807" + "00" + "01" + "00" + "02" + "6869"      // seq 1, t 1000, client text, "hi"
            + "01" + "036d6178" + "024f4b" + "00" + "0173"                // decoding: "max", "OK", request, "s"
            + "00" + "e907" + "01" + "0177"                               // no correlation, latency 1000, warning "w"
            + "01" + "41" + "03" + "04" + "02";                           // wire: opcode 1, RSV1, compressed+masked, 4 on the wire, 2 inflated

    /** Version 4 is version 3 with a code before each warning. */
    private static final String GOLDEN_V4 = "04" + "01"
            + "01" + "e807" + "00" + "01" + "00" + "02" + "6869"      // seq 1, t 1000, client text, "hi"
            + "01" + "036d6178" + "024f4b" + "00" + "0173"                // decoding: "max", "OK", request, "s"
            + "00" + "e907" + "01" + "04" + "0177"                        // no correlation, latency 1000, warning not-in-table "w"
            + "01" + "41" + "03" + "04" + "02";                           // wire: opcode 1, RSV1, compressed+masked, 4 on the wire, 2 inflated

    @Test
    void version2BlocksStillReadExactlyAsDocumented() {
        StoredFrame frame = new StoredFrame(
                new RecordedFrame(5, 1, 1000, Direction.CLIENT_TO_SERVER, FrameType.TEXT, "hi".getBytes(StandardCharsets.UTF_8), 1, null),
                new FrameDecoding("max", "OK", Kind.REQUEST, "s", null, 1000L, List.of(new Warning(Warning.Code.UNCODED, "w"))));
        assertThat(FrameBlockCodec.decode(5, HexFormat.of().parseHex(GOLDEN_V2)))
                .usingRecursiveFieldByFieldElementComparator().containsExactly(frame);
    }

    @Test
    void version3BlocksStillReadWithTheirWireShapeExactlyAsDocumented() {
        StoredFrame frame = new StoredFrame(
                new RecordedFrame(5, 1, 1000, Direction.CLIENT_TO_SERVER, FrameType.TEXT, "hi".getBytes(StandardCharsets.UTF_8), 1, null,
                        new WireShape(1, 4, 4, 2, true, true)),
                new FrameDecoding("max", "OK", Kind.REQUEST, "s", null, 1000L, List.of(new Warning(Warning.Code.UNCODED, "w"))));
        assertThat(FrameBlockCodec.decode(5, HexFormat.of().parseHex(GOLDEN_V3)))
                .usingRecursiveFieldByFieldElementComparator().containsExactly(frame);
    }

    @Test
    void version4BlocksCarryCodedWarningsExactlyAsDocumented() {
        StoredFrame frame = new StoredFrame(
                new RecordedFrame(5, 1, 1000, Direction.CLIENT_TO_SERVER, FrameType.TEXT, "hi".getBytes(StandardCharsets.UTF_8), 1, null,
                        new WireShape(1, 4, 4, 2, true, true)),
                new FrameDecoding("max", "OK", Kind.REQUEST, "s", null, 1000L, List.of(new Warning(Warning.Code.NOT_IN_TABLE, "w"))));
        assertThat(FrameBlockCodec.decode(5, HexFormat.of().parseHex(GOLDEN_V4)))
                .usingRecursiveFieldByFieldElementComparator().containsExactly(frame);
    }

    /**
     * Version 5 is version 4 with a flags byte after the version and, after each payload length, where the
     * payload is: in the block, or at an offset of the session's payload file.
     */
    private static final String GOLDEN_V5 = "05" + "01" + "02"          // version 5, some text payload outside, two frames
            + "01" + "e807" + "00" + "01" + "00" + "02" + "00" + "6869" // seq 1, t 1000, client text, "hi" in the block
            + "01" + "036d6178" + "024f4b" + "00" + "0173"                // decoding: "max", "OK", request, "s"
            + "00" + "e907" + "01" + "04" + "0177"                        // no correlation, latency 1000, warning not-in-table "w"
            + "01" + "41" + "03" + "04" + "02"                            // wire: opcode 1, RSV1, compressed+masked, 4 on the wire, 2 inflated
            + "02" + "d00f" + "10" + "01" + "00" + "808004" + "01" + "e807" // seq 2, t 2000, server text, 65536 bytes at offset 1000
            + "00" + "00";                                                // no decoding, no wire shape

    @Test
    void version5BlocksPointAtLargePayloadsExactlyAsDocumented() throws Exception {
        byte[] large = new byte[PayloadFiles.MIN_EXTERNAL];
        java.util.Arrays.fill(large, (byte) 'x');
        List<StoredFrame> frames = List.of(new StoredFrame(
                new RecordedFrame(5, 1, 1000, Direction.CLIENT_TO_SERVER, FrameType.TEXT, "hi".getBytes(StandardCharsets.UTF_8), 1, null,
                        new WireShape(1, 4, 4, 2, true, true)),
                new FrameDecoding("max", "OK", Kind.REQUEST, "s", null, 1000L, List.of(new Warning(Warning.Code.NOT_IN_TABLE, "w")))),
                new StoredFrame(new RecordedFrame(5, 2, 2000, Direction.SERVER_TO_CLIENT, FrameType.TEXT, large, 1, null), null));
        byte[] block = HexFormat.of().parseHex(GOLDEN_V5);
        assertThat(FrameBlockCodec.leavesOutText(block)).isTrue();
        assertThat(FrameBlockCodec.decode(5, block, (offset, length) -> offset == 1000 && length == large.length ? large : null))
                .usingRecursiveFieldByFieldElementComparator().containsExactlyElementsOf(frames);
        StoredFrame unreadable = FrameBlockCodec.decode(5, block).get(1);
        assertThat(unreadable.frame().payload()).isEmpty();
        assertThat(unreadable.frame().note()).isEqualTo("payload of 65536 bytes not readable: no payload files to read it from");
    }

    /**
     * Version 6 is version 5 with, after the wire shape, the frame's provenance: 0 for one from the wire
     * delivered at once, or 1, origin, delivery, held µs and the original of an edited message.
     */
    private static final String GOLDEN_V6 = "06" + "01" + "03"          // version 6, some text payload outside, three frames
            + "01" + "e807" + "00" + "01" + "00" + "02" + "00" + "6869" // seq 1, t 1000, client text, "hi" in the block
            + "00" + "00" + "00"                                          // no decoding, no wire shape, from the wire
            + "02" + "d00f" + "10" + "01" + "00" + "808004" + "01" + "e807" // seq 2, t 2000, server text, 65536 bytes at offset 1000
            + "00" + "00" + "01" + "02" + "00" + "00" + "00"              // no decoding, no wire shape; injected by the user, delivered
            + "03" + "b817" + "00" + "01" + "00" + "02" + "00" + "6f6b" // seq 3, t 3000, client text, "ok"
            + "00" + "00" + "01" + "01" + "00" + "e807" + "03" + "6e6f" + "00"; // edited, delivered, held 1000 µs, original text "no"

    @Test
    void version6BlocksSayWhereEachFrameCameFromExactlyAsDocumented() throws Exception {
        byte[] large = new byte[PayloadFiles.MIN_EXTERNAL];
        java.util.Arrays.fill(large, (byte) 'x');
        List<StoredFrame> frames = List.of(
                new StoredFrame(new RecordedFrame(5, 1, 1000, Direction.CLIENT_TO_SERVER, FrameType.TEXT, "hi".getBytes(StandardCharsets.UTF_8), 1, null), null),
                new StoredFrame(new RecordedFrame(5, 2, 2000, Direction.SERVER_TO_CLIENT, FrameType.TEXT, large, 1, null, null,
                        Provenance.INJECTED), null),
                new StoredFrame(new RecordedFrame(5, 3, 3000, Direction.CLIENT_TO_SERVER, FrameType.TEXT, "ok".getBytes(StandardCharsets.UTF_8), 1, null, null,
                        Provenance.edited("no".getBytes(StandardCharsets.UTF_8), FrameType.TEXT, 1000)), null));
        byte[] block = HexFormat.of().parseHex(GOLDEN_V6);
        assertThat(FrameBlockCodec.leavesOutText(block)).isTrue();
        assertThat(FrameBlockCodec.decode(5, block, (offset, length) -> offset == 1000 && length == large.length ? large : null))
                .usingRecursiveFieldByFieldElementComparator().containsExactlyElementsOf(frames);
    }

    /**
     * Version 7 (current) is version 6 with, after a provenance, who had a say and what was done: each a UTF-8 string
     * behind its length + 1 (0: none).
     */
    private static final String GOLDEN_V7 = "07" + "00" + "02"          // version 7, every payload inside, two frames
            + "01" + "e807" + "10" + "01" + "00" + "02" + "00" + "6869" // seq 1, t 1000, server text, "hi"
            + "00" + "00" + "01" + "04" + "00" + "d00f" + "00"            // no decoding, no wire shape; rule, delivered, held 2000 µs
            + "0a" + "72756c6520736c6f77" + "0b" + "64656c61796564203273"  // by "rule slow", effect "delayed 2s"
            + "02" + "d00f" + "00" + "01" + "00" + "02" + "00" + "6f6b" // seq 2, t 2000, client text, "ok"
            + "00" + "00" + "01" + "02" + "00" + "00" + "00" + "00" + "00"; // injected by the user, delivered; no by, no effect

    @Test
    void version7BlocksSayWhichRuleDidWhatExactlyAsDocumented() throws Exception {
        List<StoredFrame> frames = List.of(
                new StoredFrame(new RecordedFrame(5, 1, 1000, Direction.SERVER_TO_CLIENT, FrameType.TEXT, "hi".getBytes(StandardCharsets.UTF_8), 1, null, null,
                        Provenance.rule("rule slow", "delayed 2s", Provenance.Delivery.DELIVERED, 2000, null, null)), null),
                new StoredFrame(new RecordedFrame(5, 2, 2000, Direction.CLIENT_TO_SERVER, FrameType.TEXT, "ok".getBytes(StandardCharsets.UTF_8), 1, null, null,
                        Provenance.INJECTED), null));
        byte[] block = FrameBlockCodec.encode(frames, payload -> {
            throw new AssertionError("nothing is large");
        });
        assertThat(HexFormat.of().formatHex(block)).isEqualTo(GOLDEN_V7);
        List<StoredFrame> read = FrameBlockCodec.decode(5, block);
        assertThat(read).usingRecursiveFieldByFieldElementComparator().containsExactlyElementsOf(frames);
        assertThat(read.get(0).frame().provenance().ruleSays()).isEqualTo("delayed 2s by rule slow");
    }

    @Test
    void provenanceStorageCodesNeverChange() {
        assertThat(java.util.Arrays.stream(Provenance.Origin.values()).map(o -> o.label() + "=" + o.ordinal()))
                .containsExactly("wire=0", "user-edited=1", "user-injected=2", "proxy=3", "rule=4");
        assertThat(java.util.Arrays.stream(Provenance.Delivery.values()).map(o -> o.label() + "=" + o.ordinal()))
                .containsExactly("delivered=0", "dropped=1", "not-sent=2");
    }

    @Test
    void warningStorageCodesNeverChange() {
        assertThat(java.util.Arrays.stream(Warning.Code.values()).map(c -> c.id() + "=" + c.storageCode()))
                .containsExactly("uncoded=0", "invalid-json=1", "invalid-nested-json=2", "wrong-type=3", "not-in-table=4",
                        "no-label-field=5", "spec-rule=6", "unexpected-binary=7", "answers-nothing=8", "not-decoded=9",
                        "decoder-failed=10", "not-this-protocol=11", "malformed=12", "framing=13");
    }

    @Test
    void aRecordingMadeByVersion1OpensAndReadsWithoutDecodings() throws Exception {
        Path copy = dir.resolve("old");
        Files.createDirectories(copy);
        Files.copy(Path.of("src/test/resources/fixtures/v1/sockscope.mv.db"), copy.resolve("sockscope.mv.db"));
        try (H2RecordingStore store = H2RecordingStore.openReader(copy)) {
            SessionRecord s = store.sessions(10).get(0);
            assertThat(s.id()).isEqualTo(1);
            assertThat(s.info().handshake().target()).isEqualTo("/demo?room=1");
            assertThat(s.frames()).isEqualTo(10);
            assertThat(s.protocol()).isNull();
            List<StoredFrame> frames = store.storedFrames(1, 0, 100);
            assertThat(frames).hasSize(10).allSatisfy(f -> assertThat(f.decoding()).isNull());
            assertThat(frames.get(0).frame().text()).startsWith("{\"cmd\":0,\"seq\":1,\"opcode\":6");
            assertThat(frames.get(9).frame().type()).isEqualTo(FrameType.CLOSE);
        }
    }

    @Test
    void theRecorderStoresDecodingsTheChosenProtocolAndUnansweredRequests() throws Exception {
        try (H2RecordingStore store = H2RecordingStore.open(dir)) {
            Recorder recorder = new Recorder(store);
            List<CaptureEvent> events = new java.util.ArrayList<>(Fixtures.chatSession(1));
            // An extra request nobody answers, before the close.
            events.add(4, new CaptureEvent.FrameCaptured(Fixtures.text(1, 5, Direction.CLIENT_TO_SERVER,
                    "{\"name\":\"Event.ReadMessage\",\"args\":\"{\\\"session_channel\\\":\\\"10\\\",\\\"executor_id\\\":2,\\\"message_id\\\":11}\"}")));
            events.set(5, new CaptureEvent.FrameCaptured(new RecordedFrame(1, 6, Fixtures.T0 + 6000, Direction.SERVER_TO_CLIENT,
                    FrameType.CLOSE, new byte[] {0x03, (byte) 0xF0, 'b', 'y', 'e'}, 1, null)));
            events.set(6, new CaptureEvent.SessionClosed(1, new SessionEnd(Fixtures.T0 + 7000, 1008, "bye", ClosedBy.SERVER, null)));
            recorder.onEvents(Fixtures.decoded(store, events, false));

            SessionRecord s = store.session(1).orElseThrow();
            assertThat(s.protocol()).isEqualTo("event-chat");
            assertThat(s.protocolReason()).isEqualTo("handshake: subprotocol access_token, query sid, path /ws");
            assertThat(s.handshakeDecoded()).contains("\"claims\":{\"exp\":1}").contains("\"signature\":\"masked\"");
            assertThat(s.unanswered()).containsExactly(5L);

            List<StoredFrame> frames = store.storedFrames(1, 0, 100);
            assertThat(frames).extracting(f -> f.decoding().label() + " " + f.decoding().kind().label())
                    .containsExactly("Event.GetConversationList request", "Event.GetConversationList response",
                            "ping control", "Event.ReadMessage request", "close 1008 control");
            assertThat(frames.get(1).decoding().correlatesWith()).isEqualTo(1L);
            assertThat(frames.get(1).decoding().latencyMicros()).isEqualTo(1000L);
        }
    }
}
