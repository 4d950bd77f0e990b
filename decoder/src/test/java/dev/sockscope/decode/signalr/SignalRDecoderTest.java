package dev.sockscope.decode.signalr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.sockscope.decode.FrameDecoding;
import dev.sockscope.decode.FrameInput;
import dev.sockscope.decode.Kind;
import dev.sockscope.decode.ProtocolRegistry;
import dev.sockscope.decode.SessionDecoder;
import dev.sockscope.decode.Warning;
import dev.sockscope.decode.socketio.SocketIoTesting;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.RecordedFrame;

/** The SignalR decoder on what the real capture does not hold: detection, cancels, errors, several records, bad input. */
class SignalRDecoderTest {
    private static final Direction C = Direction.CLIENT_TO_SERVER;
    private static final Direction S = Direction.SERVER_TO_CLIENT;
    private static final String RS = "\u001e";
    private final SignalRDecoder decoder = new SignalRDecoder();

    private static RecordedFrame text(long seq, Direction from, String text) {
        return SocketIoTesting.text(seq, from, text);
    }

    private List<FrameDecoding> decode(RecordedFrame... frames) {
        SessionDecoder d = SocketIoTesting.forced(decoder);
        List<FrameDecoding> out = new ArrayList<>();
        for (RecordedFrame f : frames) {
            out.add(d.decode(f).decoding());
        }
        return out;
    }

    @Test
    void recognisesTheHandshakeAndTypedRecordsButNothingWithoutTheSeparator() {
        for (String yes : List.of("{\"protocol\":\"json\",\"version\":1}" + RS, "{\"type\":6}" + RS,
                "{\"type\":2,\"invocationId\":\"2\",\"item\":5}" + RS + "{\"type\":3,\"invocationId\":\"2\"}" + RS)) {
            assertThat(decoder.recognises(SocketIoTesting.input(yes))).as(yes).isTrue();
        }
        for (String no : List.of("{\"protocol\":\"json\",\"version\":1}", "{\"type\":6}", "{}" + RS, RS, "", "[1]" + RS, "x" + RS)) {
            assertThat(decoder.recognises(SocketIoTesting.input(no))).as(no).isFalse();
        }
        byte[] random = new byte[1024];
        new Random(16).nextBytes(random);
        random[0] = '{';
        random[1023] = 0x1e;
        assertThat(decoder.recognises(FrameInput.of(SocketIoTesting.binary(1, S, random)))).isFalse();
    }

    @Test
    void noSeedProtocolFrameAndNoOtherLibrarysFrameIsTakenForSignalR() throws Exception {
        List<RecordedFrame> others = SocketIoTesting.othersFrames("signalr");
        assertThat(others).hasSizeGreaterThan(100).noneMatch(f -> decoder.recognises(FrameInput.of(f)));
    }

    @Test
    void theHandshakeRecordChoosesSignalRAmongEveryBuiltInDecoderEvenOnAHubPath() {
        SessionDecoder d = ProtocolRegistry.builtIn().open(SocketIoTesting.session("/chathub", "id=abc"), SocketIoTesting.MASKER);
        assertThat(d.opened()).as("weak evidence alone decides nothing").isNull();
        SessionDecoder.Step first = d.decode(text(1, C, "{\"protocol\":\"json\",\"version\":1}" + RS));
        assertThat(first.chosen().protocol()).isEqualTo("signalr");
        assertThat(first.decoding().label()).isEqualTo("handshake");
    }

    @Test
    void theHandshakeEvidenceIsWeakOnly() {
        assertThat(decoder.evidence(SocketIoTesting.session("/chathub", "id=abc")).isStrong()).isFalse();
        assertThat(decoder.evidence(SocketIoTesting.session("/chathub", "id=abc")).items()).hasSize(2);
        assertThat(decoder.evidence(SocketIoTesting.session("/ws", "x=1")).isEmpty()).isTrue();
    }

    @Test
    void aCancelledStreamAndAnErrorCompletionAndARefusedHandshake() {
        List<FrameDecoding> out = decode(
                text(1, C, "{\"protocol\":\"json\",\"version\":1}" + RS),
                text(2, S, "{\"error\":\"Requested protocol 'json' is not available.\"}" + RS),
                text(3, C, "{\"type\":4,\"invocationId\":\"7\",\"target\":\"Ticks\",\"arguments\":[]}" + RS),
                text(4, S, "{\"type\":2,\"invocationId\":\"7\",\"item\":1}" + RS),
                text(5, C, "{\"type\":5,\"invocationId\":\"7\"}" + RS),
                text(6, C, "{\"type\":1,\"invocationId\":\"8\",\"target\":\"Fail\",\"arguments\":[]}" + RS),
                text(7, S, "{\"type\":3,\"invocationId\":\"8\",\"error\":\"boom\"}" + RS),
                text(8, S, "{\"type\":7,\"error\":\"server closing\",\"allowReconnect\":true}" + RS));
        assertThat(out).extracting(FrameDecoding::label, FrameDecoding::kind, FrameDecoding::correlatesWith).containsExactly(
                tuple("handshake", Kind.REQUEST, null), tuple("handshake", Kind.ERROR, 1L), tuple("Ticks", Kind.REQUEST, null),
                tuple("Ticks", Kind.RESPONSE, 3L), tuple("Ticks", Kind.CONTROL, 3L), tuple("Fail", Kind.REQUEST, null),
                tuple("Fail", Kind.ERROR, 6L), tuple("close", Kind.ERROR, null));
        assertThat(out).allSatisfy(f -> assertThat(f.warnings()).isEmpty());
        assertThat(out.get(7).summary()).isEqualTo("close: server closing (may reconnect)");
    }

    @Test
    void everyRecordOfAFrameIsPairedAndAPingBesideARecordDoesNotMakeItAHeartbeat() {
        SessionDecoder d = SocketIoTesting.forced(decoder);
        d.decode(text(1, C, "{\"type\":1,\"invocationId\":\"1\",\"target\":\"A\",\"arguments\":[]}" + RS
                + "{\"type\":1,\"invocationId\":\"2\",\"target\":\"B\",\"arguments\":[]}" + RS));
        FrameDecoding both = d.decode(text(2, S, "{\"type\":6}" + RS + "{\"type\":3,\"invocationId\":\"2\",\"result\":2}" + RS
                + "{\"type\":3,\"invocationId\":\"1\",\"result\":1}" + RS)).decoding();
        assertThat(both.kind()).isEqualTo(Kind.RESPONSE);
        assertThat(both.correlatesWith()).isEqualTo(1L);
        assertThat(both.summary()).isEqualTo("ping | result 2 · invocation 2 | result 1 · invocation 1");
        assertThat(d.unanswered()).as("both invocations answered").isEmpty();
    }

    @Test
    void credentialsInArgumentsAreMaskedInTheStoredCopy() {
        SessionDecoder d = SocketIoTesting.forced(decoder);
        SessionDecoder.Step step = d.decode(text(1, C, "{\"type\":1,\"target\":\"Login\",\"arguments\":[{\"password\":\"s3cr3t-pw\"}]}" + RS
                + "{\"type\":6}" + RS));
        assertThat(new String(step.maskedPayload(), StandardCharsets.UTF_8)).doesNotContain("s3cr3t").endsWith("}" + RS);
        assertThat(step.decoding().summary()).doesNotContain("s3cr3t");
    }

    @Test
    void malformedRecordsAreSaidNeverThrown() {
        String deep = "[".repeat(5000) + "]".repeat(5000);
        List<FrameDecoding> out = decode(text(1, C, "{\"type\":1" + RS), text(2, C, "{\"type\":1}"), text(3, S, RS + RS),
                text(4, S, "{\"type\":99}" + RS), text(5, S, "{\"type\":\"x\"}" + RS), text(6, S, "{\"item\":1}" + RS),
                text(7, S, "{\"type\":2,\"item\":" + deep + "}" + RS), text(8, S, RS.repeat(5000) + "x"),
                SocketIoTesting.binary(9, S, (byte) 0x95, (byte) 1));
        assertThat(out).allSatisfy(f -> assertThat(f.warnings()).isNotEmpty().noneMatch(w -> w.code() == Warning.Code.DECODER_FAILED));
    }

    @Test
    void mockAnswersAnInvocationWithTheRecordedCompletionRenumbered() {
        byte[] out = decoder.scripting().addressed(text(2, S, "{\"type\":3,\"invocationId\":\"0\",\"result\":1}" + RS),
                text(1, C, "{\"type\":1,\"invocationId\":\"0\",\"target\":\"Echo\",\"arguments\":[]}" + RS),
                text(9, C, "{\"type\":1,\"invocationId\":\"17\",\"target\":\"Echo\",\"arguments\":[]}" + RS));
        assertThat(new String(out, StandardCharsets.UTF_8)).isEqualTo("{\"type\":3,\"invocationId\":\"17\",\"result\":1}" + RS);
        byte[] ping = decoder.scripting().addressed(text(2, S, "{\"type\":6}" + RS), text(1, C, "{\"type\":6}" + RS), text(9, C, "{\"type\":6}" + RS));
        assertThat(new String(ping, StandardCharsets.UTF_8)).isEqualTo("{\"type\":6}" + RS);
    }

    @Test
    void theRealCaptureCutAndScrambledNeverMakesTheDecoderFail() throws Exception {
        List<RecordedFrame> frames = dev.sockscope.wire.Capture.read(java.nio.file.Path.of("src/test/resources/captures/signalr/01-json-hub-protocol.frames"), "x").frames();
        Random random = new Random(16);
        SessionDecoder d = SocketIoTesting.forced(decoder);
        for (int i = 0; i < 3000; i++) {
            RecordedFrame f = frames.get(random.nextInt(frames.size()));
            byte[] p = f.payload().clone();
            int cut = p.length == 0 ? 0 : random.nextInt(p.length + 1);
            byte[] scrambled = java.util.Arrays.copyOf(p, cut);
            if (scrambled.length > 0 && random.nextBoolean()) {
                scrambled[random.nextInt(scrambled.length)] = (byte) random.nextInt(256);
            }
            RecordedFrame odd = new RecordedFrame(1, i + 1, i, f.from(), f.type(), scrambled, 1, null);
            assertThat(d.decode(odd).decoding().warnings()).as("%s", odd.text()).noneMatch(w -> w.code() == Warning.Code.DECODER_FAILED);
        }
    }
}
