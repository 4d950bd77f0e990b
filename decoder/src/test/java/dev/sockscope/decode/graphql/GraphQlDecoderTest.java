package dev.sockscope.decode.graphql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.sockscope.decode.FrameDecoding;
import dev.sockscope.decode.FrameInput;
import dev.sockscope.decode.Kind;
import dev.sockscope.decode.ProtocolRegistry;
import dev.sockscope.decode.SessionDecoder;
import dev.sockscope.decode.Warning;
import dev.sockscope.secrets.SecretMasker;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.Handshake;
import dev.sockscope.wire.RecordedFrame;
import dev.sockscope.wire.SessionInfo;

/**
 * The GraphQL over WebSocket decoder on conversations the real captures do not hold: cancels from either protocol,
 * results without an operation, odd and broken messages, credentials under any name, detection by content.
 */
class GraphQlDecoderTest {
    private static final Direction C = Direction.CLIENT_TO_SERVER;
    private static final Direction S = Direction.SERVER_TO_CLIENT;
    private static final SecretMasker MASKER = SecretMasker.withKey("graphql-test-key".getBytes(StandardCharsets.UTF_8));

    private final ProtocolRegistry registry = ProtocolRegistry.builtIn();
    private SessionDecoder session;
    private long seq;

    private void open(String subprotocol) {
        Handshake h = new Handshake("/graphql", null, List.of(), 101, List.of(), subprotocol, List.of());
        session = registry.open(new SessionInfo(1, "l", "ws://u", "c", h, 0), MASKER);
        seq = 0;
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
    void interleavedSubscriptionsEachGroupTheirResultsUntilTheirEnd() {
        open("graphql-transport-ws");
        send(C, "{\"type\":\"connection_init\"}");
        send(S, "{\"type\":\"connection_ack\"}");
        send(C, "{\"id\":\"a\",\"type\":\"subscribe\",\"payload\":{\"query\":\"subscription OnMessage { message }\"}}");
        send(C, "{\"id\":\"b\",\"type\":\"subscribe\",\"payload\":{\"query\":\"query GetUser { user }\",\"operationName\":\"GetUser\"}}");
        List<FrameDecoding> rest = List.of(
                send(S, "{\"id\":\"a\",\"type\":\"next\",\"payload\":{\"data\":{\"message\":1}}}"),
                send(S, "{\"id\":\"b\",\"type\":\"next\",\"payload\":{\"data\":{\"user\":null},\"errors\":[{\"message\":\"no user\"},{\"message\":\"x\"}]}}"),
                send(S, "{\"id\":\"a\",\"type\":\"next\",\"payload\":{\"data\":{\"message\":2}}}"),
                send(S, "{\"id\":\"b\",\"type\":\"complete\"}"),
                send(C, "{\"id\":\"a\",\"type\":\"complete\"}"),
                send(S, "{\"id\":\"a\",\"type\":\"next\",\"payload\":{\"data\":{\"message\":3}}}"));
        assertThat(rest).extracting(FrameDecoding::label, FrameDecoding::kind, FrameDecoding::correlatesWith).containsExactly(
                tuple("subscription OnMessage", Kind.RESPONSE, 3L),
                tuple("query GetUser", Kind.ERROR, 4L),
                tuple("subscription OnMessage", Kind.RESPONSE, 3L),
                tuple("query GetUser", Kind.RESPONSE, 4L),
                tuple("subscription OnMessage", Kind.EVENT, 3L),
                tuple("next", Kind.RESPONSE, null));
        assertThat(rest.get(1).summary()).isEqualTo("errors: no user (+1 more)");
        assertThat(rest.get(4).summary()).isEqualTo("complete (the client ends subscription OnMessage)");
        assertThat(rest.get(0).latencyMicros()).isEqualTo(2000L);
        assertThat(codes(rest.get(5))).as("a result after the client ended its operation").containsExactly(Warning.Code.ANSWERS_NOTHING);
        assertThat(rest.subList(0, 5)).allSatisfy(d -> assertThat(d.warnings()).isEmpty());
        assertThat(session.unanswered()).isEmpty();
    }

    @Test
    void theLegacyServersCompleteAfterAStopIsNoOrphan() {
        open("graphql-ws");
        send(C, "{\"id\":\"1\",\"type\":\"start\",\"payload\":{\"query\":\"subscription Ticks { ticks }\"}}");
        send(S, "{\"id\":\"1\",\"type\":\"data\",\"payload\":{\"data\":{\"ticks\":1}}}");
        FrameDecoding stop = send(C, "{\"id\":\"1\",\"type\":\"stop\"}");
        FrameDecoding complete = send(S, "{\"id\":\"1\",\"type\":\"complete\",\"payload\":null}");
        FrameDecoding refused = send(S, "{\"type\":\"connection_error\",\"payload\":{\"message\":\"bad token\"}}");
        assertThat(stop).extracting(FrameDecoding::label, FrameDecoding::kind, FrameDecoding::correlatesWith)
                .containsExactly("subscription Ticks", Kind.EVENT, 1L);
        assertThat(complete.label()).isEqualTo("subscription Ticks");
        assertThat(complete.warnings()).isEmpty();
        assertThat(refused.kind()).isEqualTo(Kind.ERROR);
        assertThat(refused.summary()).isEqualTo("connection refused: bad token");
        assertThat(codes(refused)).as("no connection_init was sent").containsExactly(Warning.Code.ANSWERS_NOTHING);
    }

    /** AWS AppSync's real-time protocol: graphql-ws with the request as a JSON string in data, and a start_ack. */
    @Test
    void appSyncsStartCarriesItsRequestAsAStringAndIsAcknowledged() {
        open("graphql-ws");
        send(C, "{\"type\":\"connection_init\"}");
        send(S, "{\"type\":\"connection_ack\",\"payload\":{\"connectionTimeoutMs\":300000}}");
        FrameDecoding start = send(C, "{\"id\":\"u1\",\"type\":\"start\",\"payload\":{\"data\":\"{\\\"query\\\":\\\"subscription OnCreate { onCreate { id } }\\\",\\\"variables\\\":{}}\","
                + "\"extensions\":{\"authorization\":{\"host\":\"x.appsync-api.eu-west-1.amazonaws.com\",\"Authorization\":\"eyJ-s3cr3t\"}}}}");
        FrameDecoding ack = send(S, "{\"id\":\"u1\",\"type\":\"start_ack\"}");
        FrameDecoding data = send(S, "{\"id\":\"u1\",\"type\":\"data\",\"payload\":{\"data\":{\"onCreate\":{\"id\":\"7\"}}}}");
        assertThat(start).extracting(FrameDecoding::label, FrameDecoding::summary)
                .containsExactly("subscription OnCreate", "subscription OnCreate { onCreate { id } }");
        assertThat(List.of(ack, data)).extracting(FrameDecoding::label, FrameDecoding::kind, FrameDecoding::correlatesWith)
                .containsExactly(tuple("subscription OnCreate", Kind.RESPONSE, 3L), tuple("subscription OnCreate", Kind.RESPONSE, 3L));
        assertThat(List.of(start, ack, data)).allSatisfy(d -> assertThat(d.warnings()).isEmpty());
    }

    @Test
    void pingsPairWithPongsAndAnUnsolicitedPongIsAHeartbeatWithoutWarning() {
        open("graphql-transport-ws");
        FrameDecoding ping = send(S, "{\"type\":\"ping\"}");
        FrameDecoding pong = send(C, "{\"type\":\"pong\"}");
        FrameDecoding keepAlive = send(S, "{\"type\":\"pong\",\"payload\":{\"at\":1}}");
        assertThat(List.of(ping, pong, keepAlive)).extracting(FrameDecoding::kind).containsOnly(Kind.HEARTBEAT);
        assertThat(pong.correlatesWith()).isEqualTo(1L);
        assertThat(keepAlive.correlatesWith()).isNull();
        assertThat(keepAlive.warnings()).isEmpty();
        assertThat(keepAlive.summary()).isEqualTo("pong {\"at\":1}");
    }

    @Test
    void connectionParametersAreMaskedWhateverTheyAreCalled() {
        open("graphql-transport-ws");
        SessionDecoder.Step init = step(C, "{\"type\":\"connection_init\",\"payload\":{\"headers\":{\"X-Tenant-Key\":\"tenant-s3cr3t\"},"
                + "\"retries\":[\"list-s3cr3t\"],\"n\":3}}");
        String stored = new String(init.maskedPayload(), StandardCharsets.UTF_8);
        assertThat(stored).doesNotContain("s3cr3t").contains("\"n\":3").startsWith("{\"type\":\"connection_init\",\"payload\":{\"headers\":{\"X-Tenant-Key\":\"");
        assertThat(init.decoding().summary()).doesNotContain("s3cr3t").startsWith("connection_init {\"headers\":{\"X-Tenant-Key\":\"");
        assertThat(init.tree().build().toString()).doesNotContain("s3cr3t");
        FrameDecoding ack = send(S, "{\"type\":\"connection_ack\",\"payload\":{\"server\":\"v1\"}}");
        assertThat(ack).extracting(FrameDecoding::label, FrameDecoding::kind, FrameDecoding::correlatesWith)
                .containsExactly("connection_ack", Kind.RESPONSE, 1L);
    }

    @Test
    void brokenAndUnknownMessagesAreSaidNeverThrown() {
        open("graphql-transport-ws");
        FrameDecoding invalid = send(C, "{\"type\":\"subscribe\",");
        FrameDecoding array = send(C, "[{\"type\":\"ping\"}]");
        FrameDecoding noType = send(C, "{\"id\":\"1\",\"payload\":{}}");
        FrameDecoding unknown = send(S, "{\"type\":\"surprise\",\"id\":\"9\"}");
        FrameDecoding noId = send(C, "{\"type\":\"subscribe\",\"payload\":{\"query\":\"{ a }\"}}");
        FrameDecoding noQuery = send(C, "{\"id\":\"p\",\"type\":\"subscribe\",\"payload\":{\"operationName\":\"Persisted\",\"extensions\":{\"persistedQuery\":{}}}}");
        FrameDecoding orphan = send(S, "{\"id\":\"zz\",\"type\":\"error\",\"payload\":[{\"message\":\"who?\"}]}");
        FrameDecoding text = send(S, "hello");
        assertThat(invalid.label()).isEqualTo("invalid JSON");
        assertThat(codes(invalid)).containsExactly(Warning.Code.MALFORMED);
        assertThat(array.label()).isEqualTo("invalid message");
        assertThat(noType.label()).isEqualTo("invalid message");
        assertThat(unknown).extracting(FrameDecoding::label, FrameDecoding::kind).containsExactly("surprise", Kind.UNKNOWN);
        assertThat(codes(unknown)).containsExactly(Warning.Code.NOT_IN_TABLE);
        assertThat(noId).extracting(FrameDecoding::label, FrameDecoding::kind).containsExactly("query", Kind.REQUEST);
        assertThat(codes(noId)).containsExactly(Warning.Code.MALFORMED);
        assertThat(noQuery.label()).isEqualTo("operation Persisted");
        assertThat(orphan).extracting(FrameDecoding::label, FrameDecoding::kind).containsExactly("error", Kind.ERROR);
        assertThat(codes(orphan)).containsExactly(Warning.Code.ANSWERS_NOTHING);
        assertThat(codes(text)).containsExactly(Warning.Code.MALFORMED);
        assertThat(List.of(invalid, array, noType, unknown, noId, noQuery, orphan, text)).extracting(FrameDecoding::protocol).containsOnly("graphql");
        FrameDecoding binary = session.decode(new RecordedFrame(1, 99, 99, S, FrameType.BINARY, new byte[] {1, 2, 3}, 1, null)).decoding();
        assertThat(codes(binary)).containsExactly(Warning.Code.NOT_THIS_PROTOCOL);
    }

    @Test
    void aHugeQueryIsLabelledAndItsSummaryStaysShort() {
        open("graphql-transport-ws");
        String fields = "field ".repeat(300_000);
        FrameDecoding d = send(C, "{\"id\":\"h\",\"type\":\"subscribe\",\"payload\":{\"query\":\"query Huge { " + fields + "}\"}}");
        assertThat(d.label()).isEqualTo("query Huge");
        assertThat(d.summary()).hasSizeLessThanOrEqualTo(240).startsWith("query Huge { field field");
    }

    @Test
    void withoutTheSubprotocolAFirstConnectionInitChoosesGraphqlAndOtherJsonDoesNot() {
        GraphQlDecoder decoder = new GraphQlDecoder();
        assertThat(decoder.recognises(input(FrameType.TEXT, "{\"type\":\"connection_init\",\"payload\":{}}"))).isTrue();
        assertThat(decoder.recognises(input(FrameType.TEXT, " {\"payload\":null,\"type\":\"connection_init\"}"))).isTrue();
        assertThat(decoder.recognises(input(FrameType.TEXT, "{\"type\":\"hello\",\"note\":\"connection_init\"}"))).isFalse();
        assertThat(decoder.recognises(input(FrameType.TEXT, "[\"connection_init\"]"))).isFalse();
        assertThat(decoder.recognises(input(FrameType.TEXT, "connection_init"))).isFalse();
        assertThat(decoder.recognises(input(FrameType.BINARY, "{\"type\":\"connection_init\"}"))).isFalse();

        open(null);
        SessionDecoder.Step first = step(C, "{\"type\":\"connection_init\"}");
        assertThat(first.chosen().protocol()).isEqualTo("graphql");
        assertThat(first.chosen().reason()).isEqualTo("content: frame 1 matches the graphql decoder");
    }

    @Test
    void graphqlWsCloseCodesAreExplained() {
        open("graphql-transport-ws");
        byte[] close = {0x11, 0x33, 'F', 'o', 'r', 'b', 'i', 'd', 'd', 'e', 'n'};
        FrameDecoding d = session.decode(new RecordedFrame(1, 1, 1, S, FrameType.CLOSE, close, 1, null)).decoding();
        assertThat(d.label()).isEqualTo("close 4403");
        assertThat(d.summary()).contains("forbidden: connection_init refused");
    }

    @Test
    void mockGivesARecordedResultTheLiveOperationsId() {
        var scripting = new GraphQlDecoder().scripting();
        RecordedFrame recordedNext = frame(S, "{\"id\":\"old\",\"type\":\"next\",\"payload\":{\"data\":{\"a\":1}}}");
        RecordedFrame recordedSubscribe = frame(C, "{\"id\":\"old\",\"type\":\"subscribe\",\"payload\":{\"query\":\"{ a }\"}}");
        RecordedFrame liveSubscribe = frame(C, "{\"id\":\"new-uuid\",\"type\":\"subscribe\",\"payload\":{\"query\":\"{ a }\"}}");
        assertThat(new String(scripting.addressed(recordedNext, recordedSubscribe, liveSubscribe), StandardCharsets.UTF_8))
                .isEqualTo("{\"id\":\"new-uuid\",\"type\":\"next\",\"payload\":{\"data\":{\"a\":1}}}");
        RecordedFrame pong = frame(S, "{\"type\":\"pong\"}");
        assertThat(scripting.addressed(pong, recordedSubscribe, liveSubscribe)).as("nothing to address").isSameAs(pong.payload());
    }

    private static RecordedFrame frame(Direction from, String text) {
        return new RecordedFrame(1, 1, 1, from, FrameType.TEXT, text.getBytes(StandardCharsets.UTF_8), 1, null);
    }

    private static FrameInput input(FrameType type, String text) {
        return FrameInput.of(new RecordedFrame(1, 1, 1, C, type, text.getBytes(StandardCharsets.UTF_8), 1, null));
    }
}
