package dev.sockscope.decode.jsonrpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sockscope.decode.FrameDecoding;
import dev.sockscope.decode.FrameInput;
import dev.sockscope.decode.Kind;
import dev.sockscope.decode.ProtocolRegistry;
import dev.sockscope.decode.SessionDecoder;
import dev.sockscope.decode.Warning;
import dev.sockscope.secrets.SecretMasker;
import dev.sockscope.wire.Capture;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.Handshake;
import dev.sockscope.wire.RecordedFrame;
import dev.sockscope.wire.SessionInfo;

/**
 * The JSON-RPC 2.0 decoder on what the real captures do not hold: ids of both types, calls from the server, answers to
 * nothing, broken messages and batches, login credentials under any name, detection, and a user's spec of the same name.
 */
class JsonRpcDecoderTest {
    private static final Direction C = Direction.CLIENT_TO_SERVER;
    private static final Direction S = Direction.SERVER_TO_CLIENT;
    private static final SecretMasker MASKER = SecretMasker.withKey("json-rpc-test-key".getBytes(StandardCharsets.UTF_8));

    private SessionDecoder session = open(ProtocolRegistry.builtIn());
    private long seq;

    private static SessionDecoder open(ProtocolRegistry registry) {
        Handshake h = new Handshake("/rpc", null, List.of(), 101, List.of(), null, List.of());
        return registry.open(new SessionInfo(1, "l", "ws://u", "c", h, 0), MASKER);
    }

    private SessionDecoder.Step step(Direction from, String text) {
        seq++;
        return session.decode(new RecordedFrame(1, seq, seq * 1000, from, FrameType.TEXT, text.getBytes(StandardCharsets.UTF_8), 1, null));
    }

    private FrameDecoding send(Direction from, String text) {
        return step(from, text).decoding();
    }

    private static List<Warning.Code> codes(FrameDecoding d) {
        return d.warnings().stream().map(Warning::code).toList();
    }

    @Test
    void answersPairByIdInAnyOrderAndTakeTheirCallsMethod() {
        send(C, "{\"jsonrpc\":\"2.0\",\"method\":\"a\",\"id\":1}");
        send(C, "{\"jsonrpc\":\"2.0\",\"method\":\"b\",\"id\":\"1\"}");
        send(S, "{\"jsonrpc\":\"2.0\",\"method\":\"ask\",\"params\":[\"?\"],\"id\":1}");
        List<FrameDecoding> answers = List.of(
                send(S, "{\"jsonrpc\":\"2.0\",\"result\":\"B\",\"id\":\"1\"}"),
                send(C, "{\"jsonrpc\":\"2.0\",\"result\":\"yes\",\"id\":1}"),
                send(S, "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-1,\"message\":\"no A\",\"data\":{\"why\":1}},\"id\":1}"),
                send(S, "{\"jsonrpc\":\"2.0\",\"result\":0,\"id\":1}"),
                send(S, "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32700,\"message\":\"Parse error\"},\"id\":null}"));
        assertThat(answers).extracting(FrameDecoding::label, FrameDecoding::kind, FrameDecoding::correlatesWith).containsExactly(
                tuple("b", Kind.RESPONSE, 2L),
                tuple("ask", Kind.RESPONSE, 3L),
                tuple("a", Kind.ERROR, 1L),
                tuple("result", Kind.RESPONSE, null),
                tuple("error", Kind.ERROR, null));
        assertThat(answers.get(0).latencyMicros()).isEqualTo(2000L);
        assertThat(answers.get(2).summary()).isEqualTo("error -1 no A: {\"why\":1}");
        assertThat(codes(answers.get(3))).as("the second answer to id 1").containsExactly(Warning.Code.ANSWERS_NOTHING);
        assertThat(answers.get(4).warnings()).as("id null: the server could not read the call").isEmpty();
        assertThat(session.unanswered()).isEmpty();
    }

    @Test
    void batchesAreLabelledByTheirMethodsAndTheirAnswersByTheCallsTheyAnswer() {
        FrameDecoding calls = send(C, "[{\"jsonrpc\":\"2.0\",\"method\":\"sum\",\"id\":1},{\"jsonrpc\":\"2.0\",\"method\":\"log\"},"
                + "{\"jsonrpc\":\"2.0\",\"method\":\"sum\",\"id\":2},{\"jsonrpc\":\"2.0\",\"method\":\"get\",\"id\":3}]");
        FrameDecoding first = send(S, "[{\"jsonrpc\":\"2.0\",\"result\":1,\"id\":2},{\"jsonrpc\":\"2.0\",\"error\":{\"code\":1,\"message\":\"gone\"},\"id\":3}]");
        FrameDecoding last = send(S, "{\"jsonrpc\":\"2.0\",\"result\":5,\"id\":1}");
        FrameDecoding notifications = send(C, "[{\"jsonrpc\":\"2.0\",\"method\":\"log\"},{\"jsonrpc\":\"2.0\",\"method\":\"log\"}]");
        assertThat(calls).extracting(FrameDecoding::label, FrameDecoding::kind).containsExactly("sum + log + get", Kind.REQUEST);
        assertThat(first).extracting(FrameDecoding::label, FrameDecoding::kind, FrameDecoding::correlatesWith)
                .containsExactly("sum + get", Kind.ERROR, 1L);
        assertThat(last).extracting(FrameDecoding::label, FrameDecoding::correlatesWith).containsExactly("sum", 1L);
        assertThat(notifications).extracting(FrameDecoding::label, FrameDecoding::kind).containsExactly("log", Kind.EVENT);
        assertThat(List.of(calls, first, last, notifications)).allSatisfy(d -> assertThat(d.warnings()).isEmpty());
        assertThat(session.unanswered()).isEmpty();
    }

    @Test
    void aLoginsCredentialsAreMaskedInTheStoreWhateverTheyAreCalledButNotWhoLogsIn() {
        SessionDecoder.Step named = step(C, "{\"jsonrpc\":\"2.0\",\"method\":\"rpc.login\",\"params\":{\"user\":\"ann\",\"pin\":\"pin-s3cr3t\"},\"id\":1}");
        SessionDecoder.Step positional = step(C, "{\"jsonrpc\":\"2.0\",\"method\":\"login\",\"params\":[\"ann\",\"pos-s3cr3t\"],\"id\":2}");
        SessionDecoder.Step batched = step(C, "[{\"jsonrpc\":\"2.0\",\"method\":\"sum\",\"id\":3},"
                + "{\"jsonrpc\":\"2.0\",\"method\":\"auth\",\"params\":{\"email\":\"a@b\",\"otp\":\"otp-s3cr3t\"},\"id\":4}]");
        for (SessionDecoder.Step s : List.of(named, positional, batched)) {
            String stored = new String(s.maskedPayload(), StandardCharsets.UTF_8);
            assertThat(stored).doesNotContain("s3cr3t");
            assertThat(s.decoding().summary()).doesNotContain("s3cr3t");
            assertThat(s.tree().build().toString()).doesNotContain("s3cr3t");
        }
        assertThat(new String(named.maskedPayload(), StandardCharsets.UTF_8)).contains("\"user\":\"ann\"");
        assertThat(new String(positional.maskedPayload(), StandardCharsets.UTF_8)).contains("[\"ann\",\"");
        assertThat(new String(batched.maskedPayload(), StandardCharsets.UTF_8)).contains("\"email\":\"a@b\"");
        assertThat(named.decoding().summary()).startsWith("rpc.login {\"user\":\"ann\",\"pin\":\"pi…[hmac:");
    }

    @Test
    void brokenMessagesAreSaidNeverThrown() {
        assertThat(step(C, "{\"jsonrpc\":\"2.0\",\"method\":\"first\"}").chosen().protocol()).isEqualTo("json-rpc");
        FrameDecoding invalid = send(C, "{\"jsonrpc\":\"2.0\",\"method\":");
        FrameDecoding empty = send(C, "[]");
        FrameDecoding neither = send(C, "{\"jsonrpc\":\"2.0\",\"id\":1}");
        FrameDecoding oddBatch = send(C, "[5,{\"jsonrpc\":\"2.0\",\"method\":\"m\",\"id\":7}]");
        FrameDecoding version = send(C, "{\"jsonrpc\":\"1.0\",\"method\":\"old\",\"id\":8}");
        FrameDecoding objectId = send(C, "{\"jsonrpc\":\"2.0\",\"method\":\"odd\",\"id\":{\"x\":1}}");
        FrameDecoding both = send(S, "{\"jsonrpc\":\"2.0\",\"result\":1,\"error\":{\"code\":1},\"id\":7}");
        FrameDecoding methodNumber = send(C, "{\"jsonrpc\":\"2.0\",\"method\":5,\"id\":9}");
        FrameDecoding text = send(C, "plain");
        assertThat(invalid.label()).isEqualTo("invalid JSON");
        assertThat(codes(invalid)).containsExactly(Warning.Code.MALFORMED);
        assertThat(empty.label()).isEqualTo("empty batch");
        assertThat(neither.label()).isEqualTo("invalid message");
        assertThat(methodNumber.label()).isEqualTo("invalid message");
        assertThat(oddBatch).extracting(FrameDecoding::label, FrameDecoding::kind).containsExactly("invalid + m", Kind.REQUEST);
        assertThat(codes(oddBatch)).containsExactly(Warning.Code.MALFORMED);
        assertThat(version.label()).isEqualTo("old");
        assertThat(version.warnings()).extracting(Warning::text).containsExactly("jsonrpc is not \"2.0\"");
        assertThat(objectId).extracting(FrameDecoding::label, FrameDecoding::kind).containsExactly("odd", Kind.REQUEST);
        assertThat(codes(objectId)).containsExactly(Warning.Code.MALFORMED);
        assertThat(both).extracting(FrameDecoding::label, FrameDecoding::kind, FrameDecoding::correlatesWith).containsExactly("m", Kind.ERROR, 5L);
        assertThat(codes(both)).containsExactly(Warning.Code.MALFORMED);
        assertThat(codes(text)).containsExactly(Warning.Code.MALFORMED);
        assertThat(List.of(invalid, empty, neither, oddBatch, version, objectId, both, methodNumber, text))
                .extracting(FrameDecoding::protocol).containsOnly("json-rpc");
    }

    @Test
    void aHugeBatchHasAShortLabelAndSummary() {
        StringBuilder batch = new StringBuilder("[");
        for (int i = 0; i < 20_000; i++) {
            batch.append(i == 0 ? "" : ",").append("{\"jsonrpc\":\"2.0\",\"method\":\"m").append(i % 3).append("\",\"id\":").append(i).append('}');
        }
        FrameDecoding d = send(C, batch.append(']').toString());
        assertThat(d.label()).isEqualTo("m0 + m1 + m2");
        assertThat(d.summary()).hasSizeLessThanOrEqualTo(240).startsWith("batch of 20000: m0 (id 0); m1 (id 1)");
        StringBuilder distinct = new StringBuilder("[");
        for (int i = 0; i < 50_000; i++) {
            distinct.append(i == 0 ? "" : ",").append("{\"jsonrpc\":\"2.0\",\"method\":\"method").append(i).append("\",\"id\":").append(i).append('}');
        }
        long started = System.nanoTime();
        FrameDecoding many = send(C, distinct.append(']').toString());
        assertThat(java.time.Duration.ofNanos(System.nanoTime() - started)).as("50 000 distinct methods (a copy of the list per call took 40 s)").isLessThan(java.time.Duration.ofSeconds(20));
        assertThat(many.label()).startsWith("method0 + method1 + ").hasSizeLessThanOrEqualTo(120);
    }

    @Test
    void recognisedByItsVersionMemberOnly() {
        JsonRpcDecoder decoder = new JsonRpcDecoder();
        assertThat(decoder.recognises(input(FrameType.TEXT, "{\"id\":1,\"jsonrpc\":\"2.0\",\"method\":\"x\"}"))).isTrue();
        assertThat(decoder.recognises(input(FrameType.TEXT, "[{\"jsonrpc\":\"2.0\",\"result\":1,\"id\":1}]"))).isTrue();
        assertThat(decoder.recognises(input(FrameType.TEXT, "{\"jsonrpc\":\"1.0\",\"method\":\"x\"}"))).isFalse();
        assertThat(decoder.recognises(input(FrameType.TEXT, "{\"jsonrpc\":2.0,\"method\":\"x\"}"))).isFalse();
        assertThat(decoder.recognises(input(FrameType.TEXT, "{\"notification\":\"tick\",\"params\":{}}"))).isFalse();
        assertThat(decoder.recognises(input(FrameType.TEXT, "{\"method\":\"x\",\"id\":1}"))).isFalse();
        assertThat(decoder.recognises(input(FrameType.TEXT, "[]"))).isFalse();
        assertThat(decoder.recognises(input(FrameType.BINARY, "{\"jsonrpc\":\"2.0\"}"))).isFalse();
    }

    /** DecodeThroughputBench's and DecodeCompare's generic JSON input measures the fallback only while no decoder claims it. */
    @Test
    void theBenchmarksGenericJsonIsNoOnesProtocol() {
        String json = "{\"version\":\"2.0\",\"method\":\"tick\",\"params\":{\"n\":1,\"text\":\"" + "x".repeat(900) + "\"}}";
        SessionDecoder.Step last = null;
        for (int i = 0; i < 3; i++) {
            last = step(S, json);
            assertThat(last.decoding().protocol()).isEqualTo("json");
        }
        assertThat(last.chosen().protocol()).isEqualTo("generic");
    }

    /** docs/decoders.md's worked spec is named json-rpc too: given with --protocols, the user's spec wins. */
    @Test
    void aUsersSpecNamedJsonRpcReplacesTheBuiltIn(@TempDir Path dir) throws Exception {
        Files.copy(Path.of("src/test/resources/specs/json-rpc.yaml"), dir.resolve("json-rpc.yaml"));
        ProtocolRegistry registry = ProtocolRegistry.load(List.of(dir));
        assertThat(registry.replaced()).containsExactly("json-rpc");
        assertThat(registry.origin("json-rpc")).startsWith("spec ");
        assertThat(registry.find("json-rpc")).get().isNotInstanceOf(JsonRpcDecoder.class);
        session = open(registry);
        List<FrameDecoding> decoded = new ArrayList<>();
        for (RecordedFrame f : Capture.read(Path.of("src/test/resources/captures/json-rpc/01-rpc-websockets.frames"), "rpc").frames()) {
            decoded.add(session.decode(f).decoding());
        }
        assertThat(decoded.get(23).summary()).as("the spec's summary, not the built-in's").isEqualTo("notification tick {\"n\":1}");
        assertThat(ProtocolRegistry.builtIn().find("json-rpc")).get().isInstanceOf(JsonRpcDecoder.class);
    }

    @Test
    void mockGivesARecordedAnswerTheLiveCallsIdsPositionByPosition() {
        var scripting = new JsonRpcDecoder().scripting();
        RecordedFrame recorded = frame(C, "[{\"jsonrpc\":\"2.0\",\"method\":\"a\",\"id\":1},{\"jsonrpc\":\"2.0\",\"method\":\"b\",\"id\":2}]");
        RecordedFrame live = frame(C, "[{\"jsonrpc\":\"2.0\",\"method\":\"a\",\"id\":\"x\"},{\"jsonrpc\":\"2.0\",\"method\":\"b\",\"id\":\"y\"}]");
        RecordedFrame answers = frame(S, "[{\"jsonrpc\":\"2.0\",\"result\":2,\"id\":2},{\"jsonrpc\":\"2.0\",\"result\":1,\"id\":1}]");
        assertThat(new String(scripting.addressed(answers, recorded, live), StandardCharsets.UTF_8))
                .isEqualTo("[{\"jsonrpc\":\"2.0\",\"result\":2,\"id\":\"y\"},{\"jsonrpc\":\"2.0\",\"result\":1,\"id\":\"x\"}]");
        RecordedFrame one = frame(S, "{\"jsonrpc\":\"2.0\",\"result\":6,\"id\":7}");
        assertThat(new String(scripting.addressed(one, frame(C, "{\"jsonrpc\":\"2.0\",\"method\":\"sum\",\"id\":7}"),
                frame(C, "{\"jsonrpc\":\"2.0\",\"method\":\"sum\",\"id\":70}")), StandardCharsets.UTF_8))
                .isEqualTo("{\"jsonrpc\":\"2.0\",\"result\":6,\"id\":70}");
        assertThat(scripting.addressed(one, frame(C, "not json"), frame(C, "{}"))).isSameAs(one.payload());
    }

    private static RecordedFrame frame(Direction from, String text) {
        return new RecordedFrame(1, 1, 1, from, FrameType.TEXT, text.getBytes(StandardCharsets.UTF_8), 1, null);
    }

    private static FrameInput input(FrameType type, String text) {
        return FrameInput.of(new RecordedFrame(1, 1, 1, C, type, text.getBytes(StandardCharsets.UTF_8), 1, null));
    }
}
