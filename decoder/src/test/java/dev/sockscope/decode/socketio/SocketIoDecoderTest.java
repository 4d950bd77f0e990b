package dev.sockscope.decode.socketio;

import static dev.sockscope.decode.socketio.SocketIoTesting.C;
import static dev.sockscope.decode.socketio.SocketIoTesting.S;
import static dev.sockscope.decode.socketio.SocketIoTesting.binary;
import static dev.sockscope.decode.socketio.SocketIoTesting.input;
import static dev.sockscope.decode.socketio.SocketIoTesting.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sockscope.decode.FrameDecoding;
import dev.sockscope.decode.FrameInput;
import dev.sockscope.decode.Kind;
import dev.sockscope.decode.ProtocolRegistry;
import dev.sockscope.decode.SessionDecoder;
import dev.sockscope.decode.Trees;
import dev.sockscope.decode.Warning;
import dev.sockscope.wire.RecordedFrame;

/** The Socket.IO decoder on the cases the real capture does not hold: detection, both-way acks, attachments, bad input. */
class SocketIoDecoderTest {
    private final SocketIoDecoder decoder = new SocketIoDecoder();

    @Test
    void theHandshakeDecidesOnlyWithPathAndEngineIoVersion() {
        assertThat(decoder.evidence(SocketIoTesting.session("/socket.io/", "EIO=4&transport=websocket")).isStrong()).isTrue();
        assertThat(decoder.evidence(SocketIoTesting.session("/app/socket.io/", "transport=websocket&EIO=4")).isStrong()).isTrue();
        assertThat(decoder.evidence(SocketIoTesting.session("/socket.io/", "EIO=3&transport=websocket")).isStrong()).isFalse();
        assertThat(decoder.evidence(SocketIoTesting.session("/socket.io/", null)).isEmpty()).isFalse();
        assertThat(decoder.evidence(SocketIoTesting.session("/ws", "EIO=40")).isEmpty()).isTrue();
    }

    @Test
    void contentRecognitionTakesEngineIoAndSocketIoPacketsButNotBareDigitsOrJson() {
        for (String yes : List.of("0{\"sid\":\"a\",\"pingInterval\":25000}", "42[\"chat\",{\"a\":1}]", "40/admin,{\"token\":\"x\"}",
                "430[{\"ok\":true}]", "451-[\"up\",{\"_placeholder\":true,\"num\":0}]", "40{\"sid\":\"x\"}", "2probe", "41/admin,")) {
            assertThat(decoder.recognises(input(yes))).as(yes).isTrue();
        }
        for (String no : List.of("2", "3", "40", "42", "0", "", "{\"sid\":1}", "0{\"id\":1}", "4[\"x\"]", "42 is the answer",
                "42[oops", "42[1", "47[\"x\"]", "42{\"a\":1}", "41{\"a\":1}", "[\"chat\"]", "hello", "2probes")) {
            assertThat(decoder.recognises(input(no))).as(no).isFalse();
        }
        byte[] random = new byte[1024];
        new Random(16).nextBytes(random);
        random[0] = '4';
        random[1] = '2';
        assertThat(decoder.recognises(FrameInput.of(binary(1, S, random)))).isFalse();
    }

    @Test
    void withoutTheHandshakeTheOpenPacketChoosesSocketIoAmongEveryBuiltInDecoder() {
        SessionDecoder d = ProtocolRegistry.builtIn().open(SocketIoTesting.session("/ws", null), SocketIoTesting.MASKER);
        assertThat(d.opened()).as("nothing in the handshake").isNull();
        SessionDecoder.Step open = d.decode(text(1, S, "0{\"sid\":\"x\",\"upgrades\":[],\"pingInterval\":25000,\"pingTimeout\":20000}"));
        assertThat(open.chosen().protocol()).isEqualTo("socket.io");
        assertThat(open.chosen().reason()).isEqualTo("content: frame 1 matches the socket.io decoder");
        assertThat(d.decode(text(2, C, "40")).decoding().label()).isEqualTo("CONNECT");
    }

    @Test
    void noSeedProtocolFrameAndNoOtherLibrarysFrameIsTakenForSocketIo() throws Exception {
        List<RecordedFrame> others = SocketIoTesting.othersFrames("socket.io");
        assertThat(others).hasSizeGreaterThan(100);
        assertThat(others).noneMatch(f -> decoder.recognises(FrameInput.of(f)));
    }

    @Test
    void acksArePairedPerNamespaceAndFromEitherPeerAndTakeTheirEventsLabel() {
        SessionDecoder d = SocketIoTesting.forced(decoder);
        List<FrameDecoding> out = new ArrayList<>();
        for (RecordedFrame f : List.of(
                text(1, C, "420[\"chat\",\"hi\"]"),
                text(2, C, "42/admin,0[\"stats\"]"),
                text(3, S, "420[\"question\"]"),
                text(4, S, "43/admin,0[{\"sockets\":1}]"),
                text(5, C, "430[\"yes\"]"),
                text(6, S, "430[\"ok\"]"),
                text(7, S, "431[\"nobody asked\"]"))) {
            out.add(d.decode(f).decoding());
        }
        assertThat(out).extracting(FrameDecoding::label, FrameDecoding::kind, FrameDecoding::correlatesWith).containsExactly(
                tuple("chat", Kind.REQUEST, null), tuple("stats", Kind.REQUEST, null), tuple("question", Kind.REQUEST, null),
                tuple("stats", Kind.RESPONSE, 2L), tuple("question", Kind.RESPONSE, 3L), tuple("chat", Kind.RESPONSE, 1L),
                tuple("ACK", Kind.RESPONSE, null));
        assertThat(out.get(3).latencyMicros()).isEqualTo(2000L);
        assertThat(out.get(6).warnings()).extracting(Warning::code).containsExactly(Warning.Code.ANSWERS_NOTHING);
        assertThat(d.unanswered()).isEmpty();
    }

    @Test
    void attachmentsAreJoinedToTheirPacketPerDirectionAndABinaryAcksAttachmentsTakeTheEventsName() {
        SessionDecoder d = SocketIoTesting.forced(decoder);
        List<RecordedFrame> frames = List.of(
                text(1, C, "452-3[\"upload\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]"),
                text(2, S, "42[\"tick\"]"),
                binary(3, C, (byte) 1, (byte) 2),
                binary(4, C, (byte) 3),
                text(5, S, "461-3[{\"_placeholder\":true,\"num\":0}]"),
                binary(6, S, (byte) 0xff),
                binary(7, C, (byte) 9));
        List<FrameDecoding> out = new ArrayList<>();
        frames.forEach(f -> out.add(d.decode(f).decoding()));
        assertThat(out).extracting(FrameDecoding::label, FrameDecoding::kind, FrameDecoding::correlatesWith).containsExactly(
                tuple("upload", Kind.REQUEST, null), tuple("tick", Kind.EVENT, null), tuple("upload", Kind.REQUEST, 1L),
                tuple("upload", Kind.REQUEST, 1L), tuple("upload", Kind.RESPONSE, 1L), tuple("upload", Kind.RESPONSE, 5L),
                tuple("message", Kind.EVENT, null));
        assertThat(out.get(3).summary()).isEqualTo("attachment 2/2 of #1: 1 B: 03");
        assertThat(out).allSatisfy(x -> assertThat(x.warnings()).isEmpty());

        JsonNode tree = Trees.of(decoder, SocketIoTesting.session("/socket.io/", "EIO=4"), frames.subList(0, 3), frames.get(3),
                SocketIoTesting.MASKER);
        assertThat(tree.path("packetSeq").asLong()).isEqualTo(1);
        assertThat(tree.path("packet").path("event").asText()).isEqualTo("upload");
        assertThat(tree.path("packet").path("args").toString()).isEqualTo("[\"<attachment 0: 2 B: 01 02>\",\"<attachment 1: 1 B: 03>\"]");
    }

    @Test
    void aTextFrameWhereAnAttachmentWasDueIsSaid() {
        SessionDecoder d = SocketIoTesting.forced(decoder);
        d.decode(text(1, S, "451-[\"avatar\",{\"_placeholder\":true,\"num\":0}]"));
        FrameDecoding next = d.decode(text(2, S, "42[\"chat\"]")).decoding();
        assertThat(next.label()).isEqualTo("chat");
        assertThat(next.warnings()).extracting(Warning::code).containsExactly(Warning.Code.MALFORMED);
        assertThat(d.decode(binary(3, S, (byte) 1)).decoding().label()).as("no longer an attachment").isEqualTo("message");
    }

    @Test
    void theConnectAuthPayloadIsMaskedInTheStoredCopyAndEverythingShown() {
        SessionDecoder d = SocketIoTesting.forced(decoder);
        SessionDecoder.Step step = d.decode(text(1, C, "40/admin,{\"apiKey\":\"s3cr3t-key\",\"user\":\"bot-1\","
                + "\"auth\":{\"k\":\"s3cr3t-deep\"},\"my.tokens\":[\"s3cr3t-a\",{\"x\":\"s3cr3t-b\"}],\"room\":{\"sessionId\":\"s3cr3t-c\"}}"));
        String stored = new String(step.maskedPayload(), StandardCharsets.UTF_8);
        assertThat(stored).startsWith("40/admin,{\"apiKey\":\"").doesNotContain("s3cr3t").contains("\"user\":\"bot-1\"");
        assertThat(step.decoding().summary()).doesNotContain("s3cr3t");
        assertThat(step.tree().build().toString()).doesNotContain("s3cr3t");
        assertThat(step.decoding().label()).isEqualTo("CONNECT /admin");
        FrameDecoding refused = d.decode(text(2, S, "44/admin,{\"message\":\"no\"}")).decoding();
        assertThat(refused).extracting(FrameDecoding::label, FrameDecoding::kind, FrameDecoding::correlatesWith)
                .containsExactly("CONNECT_ERROR /admin", Kind.ERROR, 1L);
    }

    @Test
    void conventionallyNamedCredentialsInAnyPacketAreMaskedInTheStoredCopyAndTheSummary() {
        SessionDecoder d = SocketIoTesting.forced(decoder);
        SessionDecoder.Step step = d.decode(text(1, C, "421[\"login\",{\"user\":\"bot\",\"password\":\"s3cr3t-pw\"}]"));
        assertThat(new String(step.maskedPayload(), StandardCharsets.UTF_8)).startsWith("421[\"login\",{\"user\":\"bot\",\"password\":\"")
                .doesNotContain("s3cr3t");
        assertThat(step.decoding().summary()).contains("bot").doesNotContain("s3cr3t");
        assertThat(step.tree().build().toString()).doesNotContain("s3cr3t");
        SessionDecoder.Step ack = d.decode(text(2, S, "431[{\"accessToken\":\"s3cr3t-at\"}]"));
        assertThat(new String(ack.maskedPayload(), StandardCharsets.UTF_8)).doesNotContain("s3cr3t");
        assertThat(ack.decoding().summary()).doesNotContain("s3cr3t");
        assertThat(d.decode(text(3, S, "42[\"chat\",{\"author\":\"ann\"}]")).maskedPayload()).as("nothing to mask").isNull();
    }

    @Test
    void pingsAndPongsArePairedHeartbeats() {
        SessionDecoder d = SocketIoTesting.forced(decoder);
        d.decode(text(1, S, "2"));
        FrameDecoding pong = d.decode(text(2, C, "3")).decoding();
        d.decode(text(3, C, "2probe"));
        FrameDecoding probe = d.decode(text(4, S, "3probe")).decoding();
        assertThat(List.of(pong, probe)).extracting(FrameDecoding::label, FrameDecoding::kind, FrameDecoding::correlatesWith)
                .containsExactly(tuple("pong", Kind.HEARTBEAT, 1L), tuple("pong", Kind.HEARTBEAT, 3L));
    }

    @Test
    void malformedPacketsAreSaidNeverThrown() {
        SessionDecoder d = SocketIoTesting.forced(decoder);
        String huge = "42[\"x\"," + "[".repeat(5000) + "]".repeat(5000) + "]";
        List<String> bad = List.of("", "9", "4", "47", "45[\"x\"]", "45-[\"x\"]", "4999999-[\"x\"]", "42[\"x\"", "42{}", "41{\"a\":1}",
                "430", "43" + "9".repeat(40) + "[]", "0{", "0[1]", "44/admin,", "42/admin", "\u0000\uffff", huge);
        long seq = 1;
        for (String s : bad) {
            FrameDecoding f = d.decode(text(seq++, S, s)).decoding();
            assertThat(f.warnings()).as(s).isNotEmpty().noneMatch(w -> w.code() == Warning.Code.DECODER_FAILED);
            assertThat(f.kind()).as(s).isEqualTo(Kind.UNKNOWN);
        }
    }

    @Test
    void mockAnswersAnEventWithTheRecordedAckRenumbered() {
        byte[] out = decoder.scripting().addressed(text(2, S, "43/admin,7[{\"ok\":1}]"), text(1, C, "42/admin,7[\"stats\"]"),
                text(9, C, "42/admin,12[\"stats\"]"));
        assertThat(new String(out, StandardCharsets.UTF_8)).isEqualTo("43/admin,12[{\"ok\":1}]");
        byte[] same = decoder.scripting().addressed(text(2, S, "42[\"x\"]"), text(1, C, "420[\"y\"]"), text(9, C, "423[\"y\"]"));
        assertThat(new String(same, StandardCharsets.UTF_8)).isEqualTo("42[\"x\"]");
    }

    @Test
    void theRealCaptureCutAndScrambledNeverMakesTheDecoderFail() throws Exception {
        List<RecordedFrame> frames = dev.sockscope.wire.Capture.read(java.nio.file.Path.of("src/test/resources/captures/socket.io/01-chat-bot.frames"), "x").frames();
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
