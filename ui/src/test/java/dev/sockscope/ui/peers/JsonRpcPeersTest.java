package dev.sockscope.ui.peers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.sockscope.wire.Direction;

/**
 * JSON-RPC 2.0 through the proxy with rpc-websockets (server and client): out-of-order answers, an error answer, a
 * login with a password, notifications both ways; then a raw batch on a second connection.
 */
class JsonRpcPeersTest extends PeersTestBase {
    static final String PASSWORD = "s3cr3t-rpc-password";

    @Override
    Scenario scenario(Path temp) {
        return Scenario.node("json-rpc", List.of(PASSWORD));
    }

    @Override
    List<String> captureNames() {
        return List.of("01-rpc-websockets", "02-raw-batch");
    }

    @Override
    String libraries() {
        return NodePeers.version("rpc-websockets", "ws");
    }

    @Test
    void theSlowAnswerComesAfterTheFastOneSentAfterIt() {
        List<String> client = texts(0, Direction.CLIENT_TO_SERVER);
        List<String> server = texts(0, Direction.SERVER_TO_CLIENT);
        assertThat(client.indexOf("{\"jsonrpc\":\"2.0\",\"method\":\"slow\",\"params\":{\"ms\":150},\"id\":2}"))
                .isLessThan(client.indexOf("{\"jsonrpc\":\"2.0\",\"method\":\"sum\",\"params\":[40,2],\"id\":3}"));
        assertThat(server.indexOf("{\"jsonrpc\":\"2.0\",\"result\":42,\"id\":3}"))
                .isGreaterThanOrEqualTo(0)
                .isLessThan(server.indexOf("{\"jsonrpc\":\"2.0\",\"result\":{\"slept\":150},\"id\":2}"));
    }

    @Test
    void loginErrorsAndNotificationsAreOnTheWire() {
        assertThat(texts(0, Direction.CLIENT_TO_SERVER))
                .contains("{\"jsonrpc\":\"2.0\",\"method\":\"rpc.login\",\"params\":{\"user\":\"bot\",\"password\":\"" + PASSWORD + "\"},\"id\":7}")
                .anySatisfy(t -> assertThat(t).startsWith("{\"jsonrpc\":\"2.0\",\"method\":\"log\",").doesNotContain("\"id\""));
        assertThat(texts(0, Direction.SERVER_TO_CLIENT))
                .contains("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32601,\"message\":\"Method not found\"},\"id\":5}",
                        "{\"notification\":\"tick\",\"params\":{\"n\":3}}");
    }

    @Test
    void aBatchIsOneFrameAnsweredByOneArray() {
        assertThat(texts(1, Direction.CLIENT_TO_SERVER)).singleElement().asString().startsWith("[{\"jsonrpc\":\"2.0\",\"method\":\"sum\"");
        assertThat(texts(1, Direction.SERVER_TO_CLIENT)).containsExactly(
                "[{\"jsonrpc\":\"2.0\",\"result\":2,\"id\":\"b-1\"},{\"jsonrpc\":\"2.0\",\"result\":{\"slept\":10},\"id\":\"b-2\"}]");
    }
}
