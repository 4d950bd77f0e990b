package dev.sockscope.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sockscope.decode.spec.SpecLoader;
import dev.sockscope.wire.Capture;
import dev.sockscope.wire.Handshake;
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

    /** A capture of the real libraries ({@code src/test/resources/captures}), with its recorded handshake and times. */
    static Capture capture(String name) throws IOException {
        return Capture.read(CapturesTest.ROOT.resolve(name + ".frames"), name);
    }

    private static Decoded decode(String spec, Capture capture) throws Exception {
        return decode(spec, capture.session(null), capture.frames());
    }

    private static Decoded decode(String spec, SessionInfo session, List<RecordedFrame> frames) throws Exception {
        // The spec alone: the built-in Java decoders of these protocols would otherwise take the captures first.
        ProtocolRegistry registry = ProtocolRegistry.of(List.of(new SpecDecoder(new SpecLoader().file(SPECS.resolve(spec)))));
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

    /** Prints what a capture decodes to, one line a frame (to write a test's expectations; not used by the tests). */
    public static void main(String[] args) throws Exception {
        Decoded d = decode(args[0], capture(args[1]));
        for (int i = 0; i < d.decodings().size(); i++) {
            FrameDecoding x = d.get(i + 1);
            System.out.println((i + 1) + " " + x.protocol() + " | " + x.label() + " | " + x.kind() + " | #" + x.correlatesWith() + " "
                    + x.latencyMicros() + " | " + x.summary() + " | " + x.warnings());
        }
        System.out.println("unanswered " + d.decoder().unanswered() + "; " + d.decoder().opened());
    }

    private static List<Integer> seqs(Decoded d, java.util.function.Predicate<FrameDecoding> which) {
        List<Integer> out = new ArrayList<>();
        for (int i = 1; i <= d.decodings().size(); i++) {
            if (which.test(d.get(i))) {
                out.add(i);
            }
        }
        return out;
    }

    @Test
    void aPrefixRegexReadsSocketIoAcksPairedBothWaysAndPerNamespace() throws Exception {
        Decoded sio = decode("socket.io-spec.yaml", capture("socket.io/01-chat-bot"));
        assertThat(sio.decoder().opened().reason()).as("the spec has no handshake evidence: its content test chose it")
                .isEqualTo("content: frame 1 matches the sio spec");
        assertThat(sio.decodings()).extracting(FrameDecoding::label).containsExactly("open", "CONNECT", "CONNECT", "welcome", "binary",
                "chat", "chat", "chat", "join", "join", "room-event", "upload", "binary", "upload", "binary", "ask-me", "question",
                "question", "answered", "CONNECT", "CONNECT_ERROR", "CONNECT", "CONNECT", "stats", "stats", "ping", "pong", "ping", "pong",
                "DISCONNECT", "DISCONNECT", "close", "close");
        // The binary attachments are beyond a spec (the built-in decoder joins them); they are said to be so, nothing else is.
        assertThat(seqs(sio, d -> !d.warnings().isEmpty())).containsExactly(5, 13, 15);
        assertThat(sio.get(5).warnings()).singleElement().isEqualTo(Warning.of(Warning.Code.UNEXPECTED_BINARY, "sio frames are text; this one is binary"));
        // Ack id 0 three times: the client's on /, the server's on /, the client's on /admin; each finds its own request.
        assertThat(sio.decodings()).extracting(FrameDecoding::correlatesWith).containsExactly(null, null, 2L, null, null, null, 6L, null,
                null, 9L, null, null, null, 12L, null, null, null, 17L, null, null, 20L, null, 22L, null, 24L, null, null, null, null,
                null, null, null, null);
        assertThat(sio.get(18).kind()).as("the client acks the server's event").isEqualTo(Kind.RESPONSE);
        assertThat(sio.get(18).latencyMicros()).isEqualTo(18455L);
        assertThat(sio.get(21)).extracting(FrameDecoding::kind, FrameDecoding::summary).containsExactly(Kind.ERROR, "/admin: not an admin");
        assertThat(sio.get(25).summary()).isEqualTo("ack 0 on /admin: [{\"sockets\":1}]");
        assertThat(seqs(sio, d -> d.kind() == Kind.HEARTBEAT)).containsExactly(26, 27, 28, 29);
        assertThat(sio.decoder().unanswered()).isEmpty();
        // The auth payload's token is masked in the store, the summary and the tree; the rest is as it came.
        assertThat(sio.stored().get(1)).isEqualTo("40{\"token\":\"" + GoldenFrames.MASKER.mask("s3cr3t-socketio-token") + "\",\"user\":\"bot-1\"}");
        assertThat(sio.stored().get(21)).isEqualTo("40/admin,{\"token\":\"" + GoldenFrames.MASKER.mask("s3cr3t-admin-token") + "\"}");
        assertThat(sio.trees().get(1).toString()).doesNotContain("s3cr3t-socketio-token").contains("\"eio\":\"4\"", "\"type\":\"0\"");
        assertThat(String.join("\n", sio.stored())).doesNotContain("s3cr3t");
        assertThat(sio.stored().get(5)).isEqualTo("420[\"chat\",{\"text\":\"hello\"}]");
    }

    @Test
    void aRecordSeparatorReadsSignalRWithStreamsGroupedUnderTheirInvocation() throws Exception {
        Decoded sr = decode("signalr-spec.yaml", capture("signalr/01-json-hub-protocol"));
        assertThat(sr.decodings()).allSatisfy(d -> assertThat(d.warnings()).as(d.label()).isEmpty());
        assertThat(sr.decodings().subList(0, 18)).extracting(FrameDecoding::label, FrameDecoding::kind, FrameDecoding::correlatesWith)
                .containsExactly(tuple("handshake", Kind.REQUEST, null), tuple("handshake", Kind.RESPONSE, null),
                        tuple("Ping", Kind.HEARTBEAT, null), tuple("Echo", Kind.REQUEST, null), tuple("Echo", Kind.RESPONSE, 4L),
                        tuple("Notify", Kind.REQUEST, null), tuple("Notify", Kind.RESPONSE, 6L), tuple("notified", Kind.EVENT, null),
                        tuple("Fire", Kind.EVENT, null), tuple("fired", Kind.EVENT, null), tuple("Counter", Kind.REQUEST, null),
                        tuple("Counter", Kind.RESPONSE, 11L), tuple("Counter", Kind.RESPONSE, 11L), tuple("Ping", Kind.HEARTBEAT, null),
                        tuple("Counter", Kind.RESPONSE, 11L), tuple("Counter", Kind.RESPONSE, 11L), tuple("Counter", Kind.RESPONSE, 11L),
                        tuple("Sum", Kind.REQUEST, null));
        // Every item points at the StreamInvocation, with the time since it; the last item and the completion came in one frame.
        assertThat(List.of(sr.get(12), sr.get(13), sr.get(15), sr.get(16), sr.get(17))).extracting(FrameDecoding::latencyMicros)
                .containsExactly(23633L, 43611L, 73060L, 83953L, 106885L);
        assertThat(sr.get(17).summary()).isEqualTo("item 5 · ok");
        assertThat(sr.trees().get(16).isArray()).as("a frame of two records has both as its tree").isTrue();
        assertThat(sr.get(5).summary()).isEqualTo("result {\"text\":\"hello\"}");
        assertThat(sr.get(23)).extracting(FrameDecoding::label, FrameDecoding::correlatesWith, FrameDecoding::summary)
                .containsExactly("Sum", 18L, "result 42");
        assertThat(sr.get(25)).extracting(FrameDecoding::label, FrameDecoding::kind, FrameDecoding::correlatesWith)
                .containsExactly("Fail", Kind.ERROR, 24L);
        assertThat(sr.get(19)).as("the client's own stream items answer nothing").extracting(FrameDecoding::label, FrameDecoding::correlatesWith)
                .containsExactly("StreamItem", null);
        assertThat(seqs(sr, d -> d.kind() == Kind.HEARTBEAT)).containsExactly(3, 14, 26, 27, 28, 29);
        assertThat(sr.get(30).label()).isEqualTo("Close");
        assertThat(sr.decoder().unanswered()).isEmpty();
    }

    @Test
    void commandLineAndHeadersReadStompFromArtemisWithReceiptsSubscriptionsAndMaskedCredentials() throws Exception {
        Decoded stomp = decode("stomp-spec.yaml", capture("stomp/01-stomp-1.2-artemis"));
        assertThat(stomp.decoder().opened().reason()).isEqualTo("handshake: subprotocol v12.stomp");
        assertThat(stomp.decodings()).allSatisfy(d -> assertThat(d.warnings()).as(d.label()).isEmpty());
        assertThat(stomp.decodings()).extracting(FrameDecoding::label, FrameDecoding::kind, FrameDecoding::correlatesWith).containsExactly(
                tuple("CONNECT", Kind.REQUEST, null), tuple("CONNECTED", Kind.RESPONSE, null), tuple("SUBSCRIBE", Kind.REQUEST, null),
                tuple("SUBSCRIBE", Kind.REQUEST, null), tuple("SEND", Kind.REQUEST, null), tuple("heart-beat", Kind.HEARTBEAT, null),
                tuple("RECEIPT", Kind.RESPONSE, 5L), tuple("heart-beat", Kind.HEARTBEAT, null), tuple("MESSAGE", Kind.EVENT, 3L),
                tuple("ACK", Kind.REQUEST, null), tuple("SEND", Kind.REQUEST, null), tuple("MESSAGE", Kind.EVENT, 4L),
                tuple("UNSUBSCRIBE", Kind.REQUEST, 4L), tuple("DISCONNECT", Kind.REQUEST, null), tuple("RECEIPT", Kind.RESPONSE, 14L),
                tuple("close", Kind.CONTROL, null));
        assertThat(stomp.get(2).summary()).as("Artemis's binary frame, read as text")
                .isEqualTo("STOMP 1.2 by ActiveMQ-Artemis/2.40.0 ActiveMQ Artemis Messaging Engine");
        assertThat(stomp.get(9).summary()).isEqualTo("/queue/orders: {\"order\":42,\"items\":[\"tea\",\"cake\"]}");
        assertThat(stomp.get(12).summary()).isEqualTo("/topic/chat: hello, topic");
        // passcode by its conventional name, login because the spec names the header: masked where they stand.
        assertThat(stomp.stored().get(0)).isEqualTo("CONNECT\nlogin:" + GoldenFrames.MASKER.mask("bot") + "\npasscode:"
                + GoldenFrames.MASKER.mask("s3cr3t-passcode") + "\nhost:localhost\naccept-version:1.2,1.1,1.0\nheart-beat:1000,1000\n\n\u0000");
        assertThat(stomp.get(1).summary()).doesNotContain("s3cr3t-passcode").contains("passcode s3c…[hmac:");
        assertThat(stomp.trees().get(0).toString()).doesNotContain("s3cr3t-passcode");
        assertThat(stomp.decoder().unanswered()).isEmpty();

        Decoded refused = decode("stomp-spec.yaml", capture("stomp/02-wrong-passcode"));
        assertThat(refused.get(2)).extracting(FrameDecoding::label, FrameDecoding::kind).containsExactly("ERROR", Kind.ERROR);
        assertThat(refused.stored().get(0)).doesNotContain("wrong-passcode");
    }

    @Test
    void aBatchIsOneFrameOfRecordsAndItsAnswerPointsAtIt() throws Exception {
        Decoded batch = decode("json-rpc.yaml", capture("json-rpc/02-raw-batch"));
        assertThat(batch.decodings()).allSatisfy(d -> assertThat(d.warnings()).isEmpty());
        assertThat(batch.get(1)).extracting(FrameDecoding::label, FrameDecoding::kind).containsExactly("sum + log + slow", Kind.REQUEST);
        assertThat(batch.get(2)).extracting(FrameDecoding::label, FrameDecoding::kind, FrameDecoding::correlatesWith, FrameDecoding::summary)
                .containsExactly("sum + log + slow", Kind.RESPONSE, 1L, "result 2 · result {\"slept\":10}");
        assertThat(batch.decoder().unanswered()).isEmpty();
    }

    @Test
    void aFrameThatDoesNotMatchTheFramingIsKeptWithAWarning() throws Exception {
        SessionInfo forced = new SessionInfo(1, "l", "ws://u", "c", new Handshake("/", null, List.of(), 101, List.of(), null, List.of()), 0, "sio");
        Decoded sio = decode("socket.io-spec.yaml", forced, List.of(new RecordedFrame(1, 1, 1, dev.sockscope.wire.Direction.SERVER_TO_CLIENT,
                dev.sockscope.wire.FrameType.TEXT, "hello there".getBytes(StandardCharsets.UTF_8), 1, null)));
        assertThat(sio.get(1).warnings()).extracting(Warning::code).contains(Warning.Code.FRAMING);
        assertThat(sio.stored().get(0)).isEqualTo("hello there");
    }

    private static String addressed(String spec, String answer, String recordedRequest, String liveRequest) throws Exception {
        ProtocolDecoder d = new SpecDecoder(new SpecLoader().file(SPECS.resolve(spec)));
        java.util.function.Function<String, RecordedFrame> frame = t -> new RecordedFrame(1, 1, 1, dev.sockscope.wire.Direction.CLIENT_TO_SERVER,
                dev.sockscope.wire.FrameType.TEXT, t.getBytes(StandardCharsets.UTF_8), 1, null);
        return new String(d.scripting().addressed(frame.apply(answer), frame.apply(recordedRequest), frame.apply(liveRequest)),
                StandardCharsets.UTF_8);
    }

    @Test
    void mockAddressesARecordedAnswerToTheLiveRequestWhereverTheKeyIs() throws Exception {
        // A framing group (Socket.IO's ack id), a header (STOMP's receipt-id), a record's JSON (SignalR's invocationId).
        assertThat(addressed("socket.io-spec.yaml", "43/admin,0[{\"sockets\":1}]", "42/admin,0[\"stats\"]", "42/admin,17[\"stats\"]"))
                .isEqualTo("43/admin,17[{\"sockets\":1}]");
        assertThat(addressed("stomp-spec.yaml", "RECEIPT\nreceipt-id:order-1\n\n\u0000",
                "SEND\ndestination:/q\nreceipt:order-1\n\nx\u0000", "SEND\ndestination:/q\nreceipt:order-9\n\nx\u0000"))
                .isEqualTo("RECEIPT\nreceipt-id:order-9\n\n\u0000");
        assertThat(addressed("signalr-spec.yaml", "{\"type\":3,\"invocationId\":\"0\",\"result\":1}\u001e",
                "{\"type\":1,\"target\":\"Echo\",\"invocationId\":\"0\"}\u001e", "{\"type\":1,\"target\":\"Echo\",\"invocationId\":\"5\"}\u001e"))
                .isEqualTo("{\"type\":3,\"invocationId\":\"5\",\"result\":1}\u001e");
        assertThat(addressed("json-rpc.yaml", "{\"jsonrpc\":\"2.0\",\"result\":6,\"id\":1}",
                "{\"jsonrpc\":\"2.0\",\"method\":\"sum\",\"id\":1}", "{\"jsonrpc\":\"2.0\",\"method\":\"sum\",\"id\":41}"))
                .isEqualTo("{\"jsonrpc\":\"2.0\",\"result\":6,\"id\":41}");
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
