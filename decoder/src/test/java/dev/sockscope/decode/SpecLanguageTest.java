package dev.sockscope.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sockscope.decode.spec.SpecLoader;
import dev.sockscope.wire.Handshake;
import dev.sockscope.wire.Header;
import dev.sockscope.wire.RecordedFrame;
import dev.sockscope.wire.SessionInfo;

/**
 * What the spec language says beyond one JSON document per frame, on real libraries' traffic (see
 * {@code src/test/resources/specs/CAPTURES.md}): a framing step (a prefix regex, a record separator, command line and
 * headers with a body), correlation rules with a key per side, in both directions, per namespace, streams, cancels,
 * answers taking the request's label, kind rules that give a label, secrets by header name.
 */
class SpecLanguageTest {
    private static final Path SPECS = Path.of("src/test/resources/specs");

    /** What a session made of its frames: the decodings, the stored payloads and the decoder. */
    private record Decoded(List<FrameDecoding> decodings, List<String> stored, List<JsonNode> trees, SessionDecoder decoder) {
        FrameDecoding get(int seq) {
            return decodings.get(seq - 1);
        }
    }

    private static Decoded decode(String spec, List<RecordedFrame> frames, Header... headers) throws Exception {
        return decode(spec, null, frames, headers);
    }

    private static Decoded decode(String spec, String forced, List<RecordedFrame> frames, Header... headers) throws Exception {
        ProtocolRegistry registry = ProtocolRegistry.of(List.of(),
                List.of(new SpecLoader().file(SPECS.resolve(spec))));
        SessionInfo session = new SessionInfo(1, "l", "ws://u", "c", new Handshake("/", null, List.of(headers), 101, List.of(), null, List.of()),
                GoldenFrames.T0, forced);
        SessionDecoder d = registry.open(session, GoldenFrames.MASKER);
        List<FrameDecoding> decodings = new ArrayList<>();
        List<String> stored = new ArrayList<>();
        List<JsonNode> trees = new ArrayList<>();
        for (RecordedFrame f : frames) {
            SessionDecoder.Step step = d.decode(f);
            decodings.add(step.decoding());
            stored.add(new String(step.maskedPayload() == null ? f.payload() : step.maskedPayload(), StandardCharsets.UTF_8));
            trees.add(step.tree() == null ? null : step.tree().build());
        }
        return new Decoded(decodings, stored, trees, d);
    }

    @Test
    void aPrefixRegexReadsSocketIoAcksPairedBothWaysAndPerNamespace() throws Exception {
        Decoded sio = decode("socket.io-spec.yaml", GoldenFrames.read(SPECS.resolve("socket.io.frames")));
        assertThat(sio.decodings()).extracting(FrameDecoding::label).containsExactly("open", "CONNECT", "CONNECT", "chat", "chat", "chat",
                "ask-me", "question", "question", "answered", "CONNECT", "CONNECT_ERROR", "CONNECT", "CONNECT", "stats", "stats",
                "ping", "pong", "DISCONNECT", "DISCONNECT");
        assertThat(sio.decodings()).allSatisfy(d -> assertThat(d.warnings()).as(d.label()).isEmpty());
        assertThat(sio.decodings()).extracting(FrameDecoding::kind).containsExactly(Kind.EVENT, Kind.REQUEST, Kind.RESPONSE,
                Kind.REQUEST, Kind.RESPONSE, Kind.EVENT, Kind.EVENT, Kind.REQUEST, Kind.RESPONSE, Kind.EVENT, Kind.REQUEST, Kind.ERROR,
                Kind.REQUEST, Kind.RESPONSE, Kind.REQUEST, Kind.RESPONSE, Kind.HEARTBEAT, Kind.HEARTBEAT, Kind.EVENT, Kind.EVENT);
        // Ack id 0 three times: the client's on /, the server's on /, the client's on /admin; each finds its own.
        assertThat(sio.get(5).correlatesWith()).isEqualTo(4L);
        assertThat(sio.get(9).correlatesWith()).as("the client acks the server's event").isEqualTo(8L);
        assertThat(sio.get(16).correlatesWith()).isEqualTo(15L);
        assertThat(sio.get(3).correlatesWith()).isEqualTo(2L);
        assertThat(sio.get(12).correlatesWith()).as("CONNECT_ERROR answers the CONNECT to /admin").isEqualTo(11L);
        assertThat(sio.get(14).correlatesWith()).isEqualTo(13L);
        assertThat(sio.get(4).summary()).isEqualTo("/ [\"chat\",{\"text\":\"hello\"}]");
        assertThat(sio.get(16).summary()).isEqualTo("ack 0 on /admin: [{\"sockets\":1}]");
        assertThat(sio.get(12).summary()).isEqualTo("/admin: not an admin");
        assertThat(sio.decoder().unanswered()).isEmpty();
        // The auth payload's token is masked in the store, the summary and the tree; the rest is as it came.
        assertThat(sio.stored().get(1)).doesNotContain("s3cr3t-socketio-token")
                .isEqualTo("40{\"token\":\"" + GoldenFrames.MASKER.mask("s3cr3t-socketio-token") + "\",\"user\":\"bot-1\"}");
        assertThat(sio.stored().get(12)).doesNotContain("s3cr3t-admin-token").startsWith("40/admin,{\"token\":\"s3cr…[hmac:");
        assertThat(sio.trees().get(1).toString()).doesNotContain("s3cr3t-socketio-token").contains("\"eio\":\"4\"", "\"type\":\"0\"");
        assertThat(sio.stored().get(3)).isEqualTo("420[\"chat\",{\"text\":\"hello\"}]");
    }

    @Test
    void aRecordSeparatorReadsSignalRWithStreamsGroupedUnderTheirInvocation() throws Exception {
        Decoded sr = decode("signalr-spec.yaml", GoldenFrames.readTap(SPECS.resolve("signalr.tap.jsonl")));
        assertThat(sr.decodings()).allSatisfy(d -> assertThat(d.warnings()).as(d.label()).isEmpty());
        assertThat(sr.decodings().subList(0, 17)).extracting(FrameDecoding::label, FrameDecoding::kind, FrameDecoding::correlatesWith)
                .containsExactly(tuple("handshake", Kind.REQUEST, null), tuple("handshake", Kind.RESPONSE, null),
                        tuple("Ping", Kind.HEARTBEAT, null), tuple("Echo", Kind.REQUEST, null), tuple("Echo", Kind.RESPONSE, 4L),
                        tuple("Notify", Kind.REQUEST, null), tuple("Notify", Kind.RESPONSE, 6L), tuple("notified", Kind.EVENT, null),
                        tuple("Fire", Kind.EVENT, null), tuple("fired", Kind.EVENT, null), tuple("Counter", Kind.REQUEST, null),
                        tuple("Counter", Kind.RESPONSE, 11L), tuple("Counter", Kind.RESPONSE, 11L), tuple("Counter", Kind.RESPONSE, 11L),
                        tuple("Counter", Kind.RESPONSE, 11L), tuple("Counter", Kind.RESPONSE, 11L), tuple("Sum", Kind.REQUEST, null));
        // The last item and the completion came in one frame: one decoding of both records.
        assertThat(sr.get(16).summary()).isEqualTo("item 5 · ok");
        assertThat(sr.get(16).latencyMicros()).isEqualTo(5000L);
        assertThat(sr.get(5).summary()).isEqualTo("result {\"text\":\"hello\"}");
        assertThat(sr.get(23)).extracting(FrameDecoding::label, FrameDecoding::correlatesWith, FrameDecoding::summary)
                .containsExactly("Sum", 17L, "result 42");
        assertThat(sr.get(25)).extracting(FrameDecoding::label, FrameDecoding::kind, FrameDecoding::correlatesWith)
                .containsExactly("Fail", Kind.ERROR, 24L);
        assertThat(sr.get(18)).as("the client's own stream items answer nothing").extracting(FrameDecoding::label, FrameDecoding::correlatesWith)
                .containsExactly("StreamItem", null);
        assertThat(sr.get(30).label()).isEqualTo("Close");
        assertThat(sr.trees().get(15).isArray()).as("a frame of two records has both as its tree").isTrue();
        assertThat(sr.decoder().unanswered()).isEmpty();
    }

    @Test
    void commandLineAndHeadersReadStompWithReceiptsSubscriptionsAndMaskedCredentials() throws Exception {
        Decoded stomp = decode("stomp-spec.yaml", GoldenFrames.readTap(SPECS.resolve("stomp.tap.jsonl")),
                new Header("Sec-WebSocket-Protocol", "v12.stomp, v11.stomp, v10.stomp"));
        assertThat(stomp.decoder().opened().reason()).isEqualTo("handshake: subprotocol v12.stomp");
        assertThat(stomp.decodings()).allSatisfy(d -> assertThat(d.warnings()).as(d.label()).isEmpty());
        assertThat(stomp.decodings()).extracting(FrameDecoding::label, FrameDecoding::kind, FrameDecoding::correlatesWith).containsExactly(
                tuple("CONNECT", Kind.REQUEST, null), tuple("CONNECTED", Kind.RESPONSE, null), tuple("SUBSCRIBE", Kind.REQUEST, null),
                tuple("SEND", Kind.REQUEST, null), tuple("SEND", Kind.REQUEST, null), tuple("RECEIPT", Kind.RESPONSE, 3L),
                tuple("RECEIPT", Kind.RESPONSE, 4L), tuple("MESSAGE", Kind.EVENT, 3L), tuple("MESSAGE", Kind.EVENT, 3L),
                tuple("heart-beat", Kind.HEARTBEAT, null), tuple("UNSUBSCRIBE", Kind.REQUEST, 3L), tuple("DISCONNECT", Kind.REQUEST, null),
                tuple("RECEIPT", Kind.RESPONSE, 12L));
        assertThat(stomp.get(8).summary()).isEqualTo("/topic/chat: {\"text\":\"hello\"}");
        assertThat(stomp.get(9).summary()).isEqualTo("/topic/chat: plain words");
        // passcode by its conventional name, login because the spec names the header: masked where they stand.
        String connect = stomp.stored().get(0);
        assertThat(connect).doesNotContain("s3cr3t-stomp-passcode").doesNotContain("login:bot\n")
                .startsWith("CONNECT\nlogin:" + GoldenFrames.MASKER.mask("bot") + "\npasscode:" + GoldenFrames.MASKER.mask("s3cr3t-stomp-passcode")
                        + "\naccept-version:1.2,1.1,1.0\n");
        assertThat(stomp.get(1).summary()).doesNotContain("s3cr3t-stomp-passcode").contains("passcode s3cr…[hmac:");
        assertThat(stomp.trees().get(0).toString()).doesNotContain("s3cr3t-stomp-passcode");
        assertThat(stomp.decoder().unanswered()).isEmpty();
    }

    @Test
    void aFrameThatDoesNotMatchTheFramingIsKeptWithAWarning() throws Exception {
        List<RecordedFrame> frames = List.of(
                new RecordedFrame(1, 1, 1, dev.sockscope.wire.Direction.SERVER_TO_CLIENT, dev.sockscope.wire.FrameType.TEXT,
                        "hello there".getBytes(StandardCharsets.UTF_8), 1, null));
        Decoded sio = decode("socket.io-spec.yaml", "sio", frames);
        assertThat(sio.get(1).warnings()).extracting(Warning::code).contains(Warning.Code.FRAMING);
        assertThat(sio.stored().get(0)).isEqualTo("hello there");
    }

    @Test
    void theTestedSpecsLoadWithoutComplaint() throws Exception {
        try (var files = Files.list(SPECS)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                assertThat(new SpecLoader().file(f).protocol()).isNotBlank();
            }
        }
    }
}
