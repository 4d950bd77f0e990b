package dev.sockscope.ui.peers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.sockscope.wire.Direction;

/**
 * SignalR's JSON hub protocol through the proxy: the official @microsoft/signalr client against a hub server
 * written from the protocol's specification ({@code signalr/server.js}; there is no .NET here).
 */
class SignalRPeersTest extends PeersTestBase {
    static final String TOKEN = "s3cr3t-signalr-token";
    static final String RS = "\u001e";

    @Override
    Scenario scenario(Path temp) {
        return Scenario.node("signalr", List.of(TOKEN));
    }

    @Override
    List<String> captureNames() {
        return List.of("01-json-hub-protocol");
    }

    @Override
    String libraries() {
        return NodePeers.version("@microsoft/signalr", "ws") + " (server: signalr/server.js, written from the JSON Hub Protocol spec)";
    }

    @Test
    void everyFrameIsRecordsEndedByTheRecordSeparatorAfterTheHandshake() {
        List<String> client = texts(0, Direction.CLIENT_TO_SERVER);
        List<String> server = texts(0, Direction.SERVER_TO_CLIENT);
        assertThat(client.get(0)).isEqualTo("{\"protocol\":\"json\",\"version\":1}" + RS);
        assertThat(server.get(0)).isEqualTo("{}" + RS);
        assertThat(client).allSatisfy(t -> assertThat(t).endsWith(RS));
        assertThat(server).allSatisfy(t -> assertThat(t).endsWith(RS));
        assertThat(server).as("a frame with two records").anySatisfy(t -> assertThat(t.split(RS)).hasSize(2));
    }

    @Test
    void invocationsStreamsPingsAndErrorsAreOnTheWire() {
        List<String> client = texts(0, Direction.CLIENT_TO_SERVER);
        List<String> server = texts(0, Direction.SERVER_TO_CLIENT);
        assertThat(client).contains("{\"target\":\"Counter\",\"arguments\":[5,20],\"invocationId\":\"2\",\"type\":4}" + RS,
                "{\"invocationId\":\"3\",\"item\":20,\"type\":2}" + RS, "{\"type\":6}" + RS, "{\"type\":7}" + RS);
        assertThat(server).contains("{\"type\":3,\"invocationId\":\"1\"}" + RS, "{\"type\":2,\"invocationId\":\"2\",\"item\":1}" + RS,
                "{\"type\":3,\"invocationId\":\"4\",\"result\":42}" + RS, "{\"type\":6}" + RS)
                .anySatisfy(t -> assertThat(t).contains("\"error\":\"An unexpected error occurred invoking 'Fail'"));
        assertThat(run.session(0).session().info().handshake().requestHeaders())
                .anySatisfy(h -> assertThat(h.name()).isEqualToIgnoringCase("Authorization"));
    }
}
