package dev.sockscope.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Captures: recorded sessions as {@code .frames} files that read back to the same bytes, and stay conversations. */
class CaptureTest {
    private static final Handshake HANDSHAKE = new Handshake("/socket.io/", "EIO=4&transport=websocket",
            List.of(new Header("Host", "127.0.0.1:9444"), new Header("Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits")),
            101, List.of(new Header("Sec-WebSocket-Extensions", "permessage-deflate")), "mqtt", List.of("permessage-deflate"));

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Payloads a line-based file cannot hold as they are, each with its sender and type. */
    private static List<RecordedFrame> awkward() {
        List<Object[]> payloads = List.of(
                new Object[] {FrameType.TEXT, utf8("42[\"chat\",{\"text\":\"hello\"}]")},
                new Object[] {FrameType.TEXT, utf8("\n")},
                new Object[] {FrameType.TEXT, utf8("SEND\ndestination:/queue/a\ncontent-type:application/json\n\n{\"a\":1}\u0000")},
                new Object[] {FrameType.TEXT, utf8("{\"type\":6}\u001e{\"type\":3,\"invocationId\":\"2\"}\u001e")},
                new Object[] {FrameType.TEXT, utf8("\n\nleading newlines, a backslash \\x41 and\r\na CRLF")},
                new Object[] {FrameType.TEXT, utf8(">>> client\n<<< server")},
                new Object[] {FrameType.TEXT, utf8("")},
                new Object[] {FrameType.TEXT, utf8("Привет, 0x1e is not \\ special\nhere")},
                new Object[] {FrameType.TEXT, new byte[] {(byte) 0xC3, (byte) 0x28}},
                new Object[] {FrameType.BINARY, new byte[] {0x10, 0x2c, 0x00, 0x04, 'M', 'Q', 'T', 'T'}},
                new Object[] {FrameType.BINARY, new byte[70]},
                new Object[] {FrameType.BINARY, new byte[0]},
                new Object[] {FrameType.BINARY, utf8("RECEIPT\nreceipt-id:order-1\n\n\u0000\n")},
                new Object[] {FrameType.PING, new byte[0]},
                new Object[] {FrameType.PONG, new byte[] {1, 2, (byte) 0xff}},
                new Object[] {FrameType.CLOSE, new byte[] {0x03, (byte) 0xE8}},
                new Object[] {FrameType.CLOSE, new byte[] {0x03, (byte) 0xE8, 'b', 'y', 'e'}},
                new Object[] {FrameType.CLOSE, new byte[0]});
        List<RecordedFrame> frames = new ArrayList<>();
        for (Object[] p : payloads) {
            long seq = frames.size() + 1;
            Direction from = seq % 2 == 1 ? Direction.CLIENT_TO_SERVER : Direction.SERVER_TO_CLIENT;
            frames.add(new RecordedFrame(1, seq, Capture.T0 + seq * 1234, from, (FrameType) p[0], (byte[]) p[1], seq == 3 ? 2 : 1, null));
        }
        return frames;
    }

    @Test
    void everyPayloadReadsBackByteForByteWithItsTimeAndFragments() {
        Capture written = new Capture("test/awkward", HANDSHAKE, awkward());
        String text = written.render(List.of("a comment", "another"));
        Capture read = Capture.parse("test/awkward", text);

        assertThat(read.handshake()).isEqualTo(HANDSHAKE);
        assertThat(read.frames()).hasSameSizeAs(written.frames());
        for (int i = 0; i < read.frames().size(); i++) {
            RecordedFrame w = written.frames().get(i);
            RecordedFrame r = read.frames().get(i);
            assertThat(r.payload()).as("payload of frame %d in\n%s", i + 1, text).isEqualTo(w.payload());
            assertThat(List.<Object>of(r.from(), r.type(), r.fragments(), r.timeMicros() - read.frames().get(0).timeMicros()))
                    .isEqualTo(List.<Object>of(w.from(), w.type(), w.fragments(), w.timeMicros() - written.frames().get(0).timeMicros()));
        }
        assertThat(read.frames().get(0).timeMicros()).isEqualTo(Capture.T0);
    }

    @Test
    void readablePayloadsStayReadableAndTheOthersSayHowTheyAreEncoded() {
        String text = new Capture("test/awkward", HANDSHAKE, awkward()).render(List.of());
        assertThat(text).contains(">>> client text t=0\n42[\"chat\",{\"text\":\"hello\"}]\n")
                .contains("<<< server text escaped t=1234\n\\x0a\n")
                .contains("SEND\ndestination:/queue/a\ncontent-type:application/json\n\n{\"a\":1}\\x00\n")
                .contains("{\"type\":6}\\x1e{\"type\":3,\"invocationId\":\"2\"}\\x1e\n")
                .contains("\\x3e>> client\n\\x3c<< server")
                .contains("binary t=11106\n10 2c 00 04 4d 51 54 54\n")
                .contains("text base64 t=9872\nwyg=\n")
                .contains("binary escaped t=14808\nRECEIPT\nreceipt-id:order-1\n\n\\x00\\x0a\n")
                .contains("close t=18510\n1000\n")
                .contains("close t=19744\n1000 bye\n")
                .contains("close base64 t=20978\n\n")
                .contains("fragments=2");
    }

    @Test
    void aCaptureIsStillAConversation() {
        String text = new Capture("test/awkward", HANDSHAKE, awkward()).render(List.of("recorded by a test"));
        Conversation c = Conversation.parse("test", text);
        assertThat(c.frames()).extracting(ScriptedFrame::payload)
                .containsExactlyElementsOf(awkward().stream().map(RecordedFrame::payload).toList());
    }

    @Test
    void aCaptureWithoutAHandshakeOrWithAnUnknownWordIsRefusedClearly() {
        assertThatThrownBy(() -> Capture.parse("x", ">>> client\nhi\n")).hasMessageContaining("x has no '#@handshake {…}' line");
        assertThatThrownBy(() -> Conversation.parse("x", ">>> client text gzip\nhi\n")).hasMessageContaining("not a frame encoding or key=value: 'gzip'");
        assertThatThrownBy(() -> Conversation.parse("x", ">>> client text escaped\na \\q\n")).hasMessageContaining("must start \\\\ or \\xHH");
    }
}
