package dev.sockscope.proxy.tap;

import static dev.sockscope.proxy.testing.WireFrames.close;
import static dev.sockscope.proxy.testing.WireFrames.concat;
import static dev.sockscope.proxy.testing.WireFrames.frame;
import static dev.sockscope.proxy.testing.WireFrames.text;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.sockscope.proxy.testing.MessageDeflate.Compressor;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.MicroClock;
import dev.sockscope.wire.RecordedFrame;
import dev.sockscope.wire.WireShape;

/** The tap on its own: bytes in, recorded frames out, however the bytes are cut into reads. */
class FrameTapTest {
    private static final NegotiatedExtensions DEFLATE = NegotiatedExtensions.parse(List.of("permessage-deflate"));

    private static FrameTap tap(Direction from, NegotiatedExtensions ext, long max) {
        return new FrameTap(7, from, ext, max, MessageBudget.unlimited(), new MicroClock());
    }

    /** Feeds {@code bytes} in reads of {@code chunk} bytes and returns what the tap recorded. */
    private static List<RecordedFrame> feed(FrameTap tap, byte[] bytes, int chunk) {
        List<RecordedFrame> out = new ArrayList<>();
        for (int at = 0; at < bytes.length; at += chunk) {
            ByteBuffer read = ByteBuffer.wrap(bytes, at, Math.min(chunk, bytes.length - at));
            int before = read.position();
            tap.feed(read, false, out);
            assertThat(read.position()).as("the tap never moves the relay's buffer").isEqualTo(before);
        }
        return out;
    }

    private static String describe(RecordedFrame f) {
        String content = f.type() == FrameType.BINARY ? f.size() + " B" : f.type() == FrameType.CLOSE ? f.closeCode() + " " + f.closeReason() : f.text();
        return f.from().sender() + " " + f.type().label() + " " + content
                + " x" + f.fragments() + (f.note() == null ? "" : " [" + f.note() + "]");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 5, 7, 13, 64, 1 << 16})
    void framesSplitAcrossReadsAtAnyByteComeOutTheSame(int chunk) {
        byte[] big = new byte[70_000];
        new Random(1).nextBytes(big);
        byte[] wire = concat(
                text(true, "héllo"),
                frame(false, 0, 0x1, true, "frag-".getBytes(StandardCharsets.UTF_8)),
                frame(true, 0, 0x9, true, "ping".getBytes(StandardCharsets.UTF_8)),  // a control frame between fragments
                frame(true, 0, 0x0, true, "ment".getBytes(StandardCharsets.UTF_8)),
                frame(true, 0, 0x2, true, big),                                       // 64-bit length
                frame(true, 0, 0x2, true, new byte[300]),                             // 16-bit length
                close(true, 1000, "bye"));
        List<RecordedFrame> frames = feed(tap(Direction.CLIENT_TO_SERVER, NegotiatedExtensions.NONE, 1 << 20), wire, chunk);
        assertThat(frames).extracting(FrameTapTest::describe).containsExactly(
                "client text héllo x1", "client ping ping x1", "client text frag-ment x2",
                "client binary 70000 B x1", "client binary 300 B x1", "client close 1000 bye x1");
        assertThat(frames.get(3).payload()).isEqualTo(big);
        assertThat(frames.get(2).wire()).isEqualTo(new WireShape(0x1, 0, 9, 9, false, true));
        assertThat(frames.get(5).closeCode()).isEqualTo(1000);
    }

    @Test
    void stopsAtTheFirstFrameBoundaryWhenAsked() {
        byte[] wire = concat(text(true, "abc"), text(true, "def"));
        FrameTap tap = tap(Direction.CLIENT_TO_SERVER, NegotiatedExtensions.NONE, 100);
        List<RecordedFrame> out = new ArrayList<>();
        assertThat(tap.feed(ByteBuffer.wrap(wire, 0, 4), true, out)).as("at a boundary already").isZero();
        assertThat(tap.feed(ByteBuffer.wrap(wire, 0, 4), false, out)).isEqualTo(4); // inside the first frame
        assertThat(tap.atFrameBoundary()).isFalse();
        assertThat(tap.feed(ByteBuffer.wrap(wire, 4, wire.length - 4), true, out)).as("up to the end of the first frame").isEqualTo(5);
        assertThat(tap.atFrameBoundary()).isTrue();
        assertThat(out).extracting(RecordedFrame::text).containsExactly("abc");
    }

    @ParameterizedTest
    @CsvSource({"false, 1", "false, 4096", "true, 1", "true, 256"})
    void permessageDeflateIsInflatedWithTheContextKeptBetweenMessages(boolean noTakeover, int chunk) {
        NegotiatedExtensions ext = NegotiatedExtensions.parse(List.of(noTakeover
                ? "permessage-deflate; client_no_context_takeover; server_no_context_takeover" : "permessage-deflate"));
        Compressor compressor = new Compressor(java.util.zip.Deflater.DEFAULT_COMPRESSION, noTakeover);
        List<String> messages = List.of("{\"cmd\":0,\"opcode\":6,\"payload\":{}}", "{\"cmd\":0,\"opcode\":6,\"payload\":{}}",
                "x".repeat(8192), "y".repeat(100_000));
        byte[] wire = new byte[0];
        for (String m : messages) {
            byte[] compressed = compressor.compress(m.getBytes(StandardCharsets.UTF_8));
            // The last one in three fragments: RSV1 on the first only.
            if (m.startsWith("y")) {
                int third = compressed.length / 3;
                wire = concat(wire,
                        frame(false, 4, 0x1, false, java.util.Arrays.copyOfRange(compressed, 0, third)),
                        frame(false, 0, 0x0, false, java.util.Arrays.copyOfRange(compressed, third, 2 * third)),
                        frame(true, 0, 0x0, false, java.util.Arrays.copyOfRange(compressed, 2 * third, compressed.length)));
            } else {
                wire = concat(wire, frame(true, 4, 0x1, false, compressed));
            }
        }
        List<RecordedFrame> frames = feed(tap(Direction.SERVER_TO_CLIENT, ext, 1 << 20), wire, chunk);
        assertThat(frames).extracting(RecordedFrame::text).containsExactlyElementsOf(messages);
        assertThat(frames).allSatisfy(f -> {
            assertThat(f.note()).isNull();
            assertThat(f.wire().compressed()).isTrue();
            assertThat(f.wire().messageBytes()).isEqualTo(f.size());
        });
        assertThat(frames.get(3).fragments()).isEqualTo(3);
        assertThat(frames.get(3).wire().wireBytes()).isLessThan(1000);
        if (!noTakeover) {
            assertThat(frames.get(1).wire().wireBytes()).as("the second copy compresses against the first")
                    .isLessThan(frames.get(0).wire().wireBytes());
        }
    }

    @Test
    void aMessageOverTheLimitIsRecordedInPartAndLaterCompressedMessagesStillInflate() {
        Compressor compressor = new Compressor(java.util.zip.Deflater.DEFAULT_COMPRESSION, false);
        byte[] first = "a".repeat(5000).getBytes(StandardCharsets.UTF_8);
        byte[] second = "ab".repeat(50).getBytes(StandardCharsets.UTF_8);
        byte[] wire = concat(frame(true, 4, 0x1, true, compressor.compress(first)), frame(true, 4, 0x1, true, compressor.compress(second)));
        List<RecordedFrame> frames = feed(tap(Direction.CLIENT_TO_SERVER, DEFLATE, 1000), wire, 100);
        assertThat(frames.get(0).size()).isEqualTo(1000);
        assertThat(frames.get(0).wire().messageBytes()).isEqualTo(5000);
        assertThat(frames.get(0).note()).isEqualTo("recorded in part: the first 1000 bytes (--max-message) of 5000");
        assertThat(frames.get(1).payload()).isEqualTo(second);
        assertThat(frames.get(1).note()).isNull();
    }

    @Test
    void messagesInProgressShareOneMemoryBudget() {
        MessageBudget budget = new MessageBudget(1500);
        FrameTap a = new FrameTap(1, Direction.CLIENT_TO_SERVER, NegotiatedExtensions.NONE, 1 << 20, budget, new MicroClock());
        FrameTap b = new FrameTap(2, Direction.CLIENT_TO_SERVER, NegotiatedExtensions.NONE, 1 << 20, budget, new MicroClock());
        List<RecordedFrame> out = new ArrayList<>();
        a.feed(ByteBuffer.wrap(frame(false, 0, 0x2, true, new byte[1000])), false, out);
        b.feed(ByteBuffer.wrap(frame(false, 0, 0x2, true, new byte[1000])), false, out);
        assertThat(budget.used()).isEqualTo(1000);
        a.feed(ByteBuffer.wrap(frame(true, 0, 0x0, true, new byte[10])), false, out);
        b.feed(ByteBuffer.wrap(frame(true, 0, 0x0, true, new byte[10])), false, out);
        assertThat(out.get(0).size()).isEqualTo(1010);
        assertThat(out.get(1).size()).isZero();
        assertThat(out.get(1).wire().messageBytes()).isEqualTo(1010);
        assertThat(out.get(1).note()).startsWith("recorded in part: the memory for messages in progress");
        assertThat(budget.used()).as("given back once recorded").isZero();
    }

    @Test
    void violationsAreRecordedWithWhatIsWrong() {
        Compressor compressor = new Compressor(java.util.zip.Deflater.DEFAULT_COMPRESSION, false);
        byte[] wire = concat(
                text(false, "unmasked"),
                frame(true, 2, 0x1, true, "rsv2".getBytes(StandardCharsets.UTF_8)),
                frame(true, 0, 0x3, true, "op3".getBytes(StandardCharsets.UTF_8)),
                frame(true, 0, 0xB, true, new byte[0]),
                frame(true, 0, 0x0, true, "orphan".getBytes(StandardCharsets.UTF_8)),
                frame(false, 0, 0x1, true, "first".getBytes(StandardCharsets.UTF_8)),
                text(true, "interrupts"),
                frame(true, 0, 0x1, true, new byte[] {'o', 'k', (byte) 0xC3}),
                frame(false, 0, 0x9, true, new byte[0]),
                frame(true, 0, 0x9, true, new byte[126]),
                frame(true, 4, 0x1, true, compressor.compress("rsv1 without deflate".getBytes(StandardCharsets.UTF_8))),
                frame(true, 0, 0x8, true, new byte[] {3}),
                close(true, 1005, "no"),
                frame(true, 0, 0x8, true, new byte[] {3, (byte) 0xE8, (byte) 0xFF}));
        List<RecordedFrame> frames = feed(tap(Direction.CLIENT_TO_SERVER, NegotiatedExtensions.NONE, 1 << 20), wire, 3);
        assertThat(frames).extracting(RecordedFrame::note).containsExactly(
                "client frame not masked",
                "RSV bits RSV2 set without an extension that defines them",
                "reserved opcode 0x3",
                "reserved opcode 0xB",
                "continuation frame with no message to continue",
                "a new message started before this one's last fragment",
                null,
                "invalid UTF-8 in a text message",
                "fragmented control frame",
                "control frame payload over 125 bytes (126)",
                // Not negotiated, so not inflated: read as the peer would, these bytes are not UTF-8 either.
                "RSV bits RSV1 set without an extension that defines them; invalid UTF-8 in a text message",
                "close frame with a 1-byte payload",
                "sent after the sender's close frame (RFC 6455 §5.5.1); close code 1005 may not be sent (RFC 6455 §7.4)",
                "sent after the sender's close frame (RFC 6455 §5.5.1); close reason is not valid UTF-8");
        assertThat(frames.get(4).text()).isEqualTo("orphan");
        assertThat(frames.get(5).text()).isEqualTo("first");
        assertThat(frames.get(6).text()).isEqualTo("interrupts");
    }

    @Test
    void serverFramesMustNotBeMasked() {
        List<RecordedFrame> frames = feed(tap(Direction.SERVER_TO_CLIENT, NegotiatedExtensions.NONE, 100),
                concat(text(true, "masked"), text(false, "plain")), 4);
        assertThat(frames).extracting(RecordedFrame::note).containsExactly("server frame masked", null);
        assertThat(frames).extracting(RecordedFrame::text).containsExactly("masked", "plain");
    }

    @Test
    void corruptDeflateDataIsSaidOnceAndLaterMessagesAreRecordedCompressed() {
        byte[] wire = concat(frame(true, 4, 0x1, true, new byte[] {(byte) 0xFF, (byte) 0xFF, 1, 2, 3}),
                frame(true, 4, 0x1, true, new byte[] {9, 9}));
        List<RecordedFrame> frames = feed(tap(Direction.CLIENT_TO_SERVER, DEFLATE, 100), wire, 64);
        assertThat(frames.get(0).note()).startsWith("permessage-deflate data could not be inflated");
        assertThat(frames.get(1).note()).startsWith("recorded compressed: permessage-deflate data could not be inflated");
        assertThat(frames.get(1).payload()).containsExactly(9, 9);
    }

    @Test
    void whatWasCutOffByTheConnectionIsRecordedAsIncomplete() {
        FrameTap tap = tap(Direction.CLIENT_TO_SERVER, NegotiatedExtensions.NONE, 100);
        byte[] half = java.util.Arrays.copyOf(frame(true, 0, 0x1, true, "0123456789".getBytes(StandardCharsets.UTF_8)), 11);
        assertThat(feed(tap, half, 100)).isEmpty();
        RecordedFrame cut = tap.unfinished("incomplete: the connection closed in the middle of this frame");
        assertThat(cut.text()).isEqualTo("01234");
        assertThat(cut.note()).contains("incomplete: the connection closed in the middle of this frame");
        assertThat(tap.unfinished("again")).isNull();
    }

    @Test
    void anExtensionTheTapCannotDecodeIsRecordedAsSent() {
        NegotiatedExtensions ext = NegotiatedExtensions.parse(List.of("x-webkit-deflate-frame"));
        List<RecordedFrame> frames = feed(tap(Direction.CLIENT_TO_SERVER, ext, 100), frame(true, 4, 0x1, true, new byte[] {1, 2}), 8);
        assertThat(frames.get(0).note()).isEqualTo("payload recorded as sent: extension x-webkit-deflate-frame is not decoded");
        assertThat(frames.get(0).payload()).containsExactly(1, 2);
    }
}
