package dev.sockscope.ui.peers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.sockscope.wire.Direction;

/**
 * GraphQL over WebSocket through the proxy, both protocols with their real libraries: graphql-ws
 * ({@code graphql-transport-ws}) and the legacy subscriptions-transport-ws ({@code graphql-ws}), one session each.
 */
class GraphQlPeersTest extends PeersTestBase {
    static final String TOKEN = "s3cr3t-graphql-token";

    @Override
    Scenario scenario(Path temp) {
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

    private static int lastIndex(List<String> texts, String part) {
        for (int i = texts.size() - 1; i >= 0; i--) {
            if (texts.get(i).contains(part)) {
                return i;
            }
        }
        return -1;
    }
}
