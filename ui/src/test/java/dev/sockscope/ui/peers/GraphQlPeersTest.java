package dev.sockscope.ui.peers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.sockscope.decode.FrameDecoding;
import dev.sockscope.decode.Kind;
import dev.sockscope.recordings.StoredFrame;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;

/**
 * GraphQL over WebSocket through the proxy, both protocols with their real libraries: graphql-ws
 * ({@code graphql-transport-ws}) and the legacy subscriptions-transport-ws ({@code graphql-ws}), one session each.
 */
class GraphQlPeersTest extends PeersTestBase {
    static final String TOKEN = "s3cr3t-graphql-token";
    private Path recordings;

    @Override
    Scenario scenario(Path temp) {
        recordings = temp.resolve("recordings");
        return Scenario.node("graphql", List.of(TOKEN));
    }

    @Override
    List<String> captureNames() {
        return List.of("01-graphql-transport-ws", "02-subscriptions-transport-ws");
    }

    @Override
    String libraries() {
        return NodePeers.version("graphql", "graphql-ws", "subscriptions-transport-ws", "ws");
    }

    @Test
    void eachSessionSpeaksTheSubprotocolItsLibraryOffers() {
        assertThat(run.session(0).session().info().handshake().subprotocol()).isEqualTo("graphql-transport-ws");
        assertThat(run.session(0).session().info().handshake().path()).isEqualTo("/graphql");
        assertThat(run.session(1).session().info().handshake().subprotocol()).isEqualTo("graphql-ws");
        assertThat(run.session(1).session().info().handshake().path()).isEqualTo("/legacy");
    }

    @Test
    void twoSubscriptionsInterleaveTheirNextMessagesUntilEachCompletes() {
        List<String> server = texts(0, Direction.SERVER_TO_CLIENT);
        List<String> streamed = server.stream().filter(t -> t.contains("\"ticks\"") || t.contains("\"messages\"")).toList();
        assertThat(streamed).hasSize(7);
        int lastTick = lastIndex(streamed, "\"ticks\"");
        int firstMessage = streamed.indexOf(streamed.stream().filter(t -> t.contains("\"messages\"")).findFirst().orElseThrow());
        assertThat(firstMessage).as("a messages result before the last tick: interleaved").isLessThan(lastTick);
        assertThat(server.stream().filter(t -> t.contains("\"type\":\"complete\""))).hasSize(4);
        assertThat(server).anySatisfy(t -> assertThat(t).startsWith("{\"id\":").contains("\"type\":\"error\"").contains("Cannot query field"));
        assertThat(texts(0, Direction.CLIENT_TO_SERVER)).contains("{\"type\":\"connection_init\",\"payload\":{\"authToken\":\"" + TOKEN + "\"}}", "{\"type\":\"ping\"}");
        assertThat(server).contains("{\"type\":\"connection_ack\"}", "{\"type\":\"pong\"}");
    }

    @Test
    void theLegacyProtocolStartsStreamsDataAndKeepsAlive() {
        List<String> server = texts(1, Direction.SERVER_TO_CLIENT);
        assertThat(server).contains("{\"type\":\"ka\"}", "{\"type\":\"data\",\"id\":\"2\",\"payload\":{\"data\":{\"ticks\":3}}}",
                "{\"type\":\"complete\",\"id\":\"2\",\"payload\":null}", "{\"type\":\"error\",\"id\":\"4\",\"payload\":{\"message\":\"Syntax Error: Expected Name, found <EOF>.\"}}");
        assertThat(texts(1, Direction.CLIENT_TO_SERVER)).contains("{\"type\":\"connection_terminate\",\"payload\":null}")
                .anySatisfy(t -> assertThat(t).startsWith("{\"id\":\"2\",\"type\":\"start\""));
    }

    @Test
    void eachSessionIsDecodedAsGraphqlByItsSubprotocol() {
        assertThat(run.session(0).session().protocol()).isEqualTo("graphql");
        assertThat(run.session(0).session().protocolReason()).isEqualTo("handshake: subprotocol graphql-transport-ws");
        assertThat(run.session(1).session().protocol()).isEqualTo("graphql");
        assertThat(run.session(1).session().protocolReason()).isEqualTo("handshake: subprotocol graphql-ws");
        for (int i = 0; i < 2; i++) {
            assertThat(run.session(i).frames()).as("session %d", i + 1).filteredOn(f -> f.frame().type() == FrameType.TEXT)
                    .allSatisfy(f -> {
                        assertThat(f.decoding().protocol()).isEqualTo("graphql");
                        assertThat(f.decoding().warnings()).isEmpty();
                    });
            assertThat(run.session(i).session().unanswered()).as("session %d: unanswered requests (null for none)", i + 1).isNullOrEmpty();
        }
    }

    @Test
    void interleavedSubscriptionsGroupEveryResultUnderTheirSubscribeWithItsLabel() {
        StoredFrame ticks = only(0, "\"operationName\":\"Ticks\"");
        StoredFrame messages = only(0, "\"operationName\":\"Messages\"");
        assertThat(ticks.decoding()).extracting(FrameDecoding::label, FrameDecoding::kind).containsExactly("subscription Ticks", Kind.REQUEST);
        assertThat(messages.decoding()).extracting(FrameDecoding::label, FrameDecoding::kind)
                .containsExactly("subscription Messages", Kind.REQUEST);
        List<StoredFrame> tickResults = answersTo(0, ticks);
        List<StoredFrame> messageResults = answersTo(0, messages);
        assertThat(tickResults).as("4 next and the complete").hasSize(5);
        assertThat(messageResults).as("3 next and the complete").hasSize(4);
        assertThat(tickResults).allSatisfy(f -> assertThat(text(f)).contains(id(ticks)));
        assertThat(messageResults).allSatisfy(f -> assertThat(text(f)).contains(id(messages)));
        assertThat(tickResults).extracting(f -> f.decoding().label()).containsOnly("subscription Ticks");
        assertThat(messageResults).extracting(f -> f.decoding().label()).containsOnly("subscription Messages");
        assertThat(tickResults).extracting(f -> f.decoding().kind()).containsOnly(Kind.RESPONSE);
        assertThat(tickResults).extracting(f -> f.decoding().latencyMicros())
                .as("latencies grow along the stream (ticks every 25 ms)").isSorted().allSatisfy(l -> assertThat(l).isPositive());
        assertThat(text(tickResults.get(4))).contains("\"type\":\"complete\"");
        assertThat(text(messageResults.get(3))).contains("\"type\":\"complete\"");
        assertThat(only(0, "mutation Post").decoding().label()).isEqualTo("mutation Post");
        assertThat(answersTo(0, only(0, "mutation Post"))).extracting(f -> f.decoding().label()).containsOnly("mutation Post").hasSize(2);
    }

    @Test
    void errorsAreKindErrorAndAnswerTheirOperation() {
        StoredFrame nope = only(0, "{ nope }");
        assertThat(answersTo(0, nope)).singleElement().satisfies(f -> {
            assertThat(f.decoding()).extracting(FrameDecoding::label, FrameDecoding::kind).containsExactly("query", Kind.ERROR);
            assertThat(f.decoding().summary()).isEqualTo("error: Cannot query field \"nope\" on type \"Query\".");
        });
        StoredFrame legacyNope = only(1, "{ nope }");
        assertThat(answersTo(1, legacyNope)).extracting(f -> f.decoding().kind()).as("data with errors, then complete")
                .containsExactly(Kind.ERROR, Kind.RESPONSE);
        StoredFrame broken = only(1, "{ broken");
        assertThat(answersTo(1, broken)).singleElement().extracting(f -> f.decoding().kind()).isEqualTo(Kind.ERROR);
        assertThat(answersTo(1, only(1, "subscription { ticks"))).extracting(f -> f.decoding().label())
                .containsExactly("subscription", "subscription", "subscription", "subscription");
    }

    @Test
    void theConnectionIsPairedWithItsAckAndHeartbeatsAreHeartbeats() {
        for (int i = 0; i < 2; i++) {
            StoredFrame init = only(i, "connection_init");
            assertThat(answersTo(i, init)).singleElement().satisfies(ack -> {
                assertThat(ack.decoding()).extracting(FrameDecoding::label, FrameDecoding::kind).containsExactly("connection_ack", Kind.RESPONSE);
                assertThat(ack.decoding().latencyMicros()).isPositive();
            });
        }
        List<StoredFrame> pings = all(0, "{\"type\":\"ping\"}");
        List<StoredFrame> pongs = all(0, "{\"type\":\"pong\"}");
        assertThat(pings).extracting(f -> f.decoding().kind()).containsOnly(Kind.HEARTBEAT);
        // graphql-ws pings as its keep-alive sees fit: once on a quick machine, more on a slow one; each pong answers one.
        assertThat(pongs).as("pongs").isNotEmpty().allSatisfy(pong -> {
            assertThat(pong.decoding()).extracting(FrameDecoding::label, FrameDecoding::kind).containsExactly("pong", Kind.HEARTBEAT);
            assertThat(pings).extracting(StoredFrame::seq).contains(pong.decoding().correlatesWith());
        });
        assertThat(pongs).extracting(f -> f.decoding().correlatesWith()).doesNotHaveDuplicates();
        assertThat(all(1, "{\"type\":\"ka\"}")).as("the legacy server's keep-alives").isNotEmpty()
                .allSatisfy(ka -> assertThat(ka.decoding().kind()).isEqualTo(Kind.HEARTBEAT));
        assertThat(only(1, "connection_terminate").decoding().kind()).isEqualTo(Kind.CONTROL);
    }

    @Test
    void theConnectionTokenIsMaskedInTheStoreAndOnDisk() {
        for (int i = 0; i < 2; i++) {
            StoredFrame init = only(i, "connection_init");
            assertThat(text(init)).startsWith("{\"type\":\"connection_init\",\"payload\":{\"authToken\":\"").contains("[hmac:");
            assertThat(init.decoding().summary()).contains("[hmac:");
            assertThat(run.session(i).frames()).allSatisfy(f -> {
                assertThat(text(f)).doesNotContain(TOKEN);
                assertThat(f.decoding().summary()).doesNotContain(TOKEN);
            });
        }
        SecretsOnDisk.assertNowhere(recordings, TOKEN, "Cannot query field");
    }

    private List<StoredFrame> all(int session, String part) {
        return run.session(session).frames().stream().filter(f -> f.frame().type() == FrameType.TEXT && text(f).contains(part)).toList();
    }

    private StoredFrame only(int session, String part) {
        List<StoredFrame> found = all(session, part);
        assertThat(found).as("frames of session %d holding %s", session + 1, part).hasSize(1);
        return found.get(0);
    }

    /** The frames that answer {@code request} (results, errors, complete, ack, pong), in order. */
    private List<StoredFrame> answersTo(int session, StoredFrame request) {
        return run.session(session).frames().stream()
                .filter(f -> f.decoding() != null && Long.valueOf(request.seq()).equals(f.decoding().correlatesWith())).toList();
    }

    private static String text(StoredFrame f) {
        return new String(f.frame().payload(), StandardCharsets.UTF_8);
    }

    /** The operation id of a subscribe as it appears in its answers. */
    private static String id(StoredFrame subscribe) {
        String t = text(subscribe);
        int at = t.indexOf("\"id\":\"") + 6;
        return t.substring(at, t.indexOf('"', at));
    }

    private static int lastIndex(List<String> texts, String part) {
        for (int i = texts.size() - 1; i >= 0; i--) {
            if (texts.get(i).contains(part)) {
                return i;
            }
        }
        return -1;
    }
}
