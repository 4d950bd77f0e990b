package dev.sockscope.ui.peers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.sockscope.wire.RecordedFrame;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;

/**
 * Socket.IO 4 (socket.io and socket.io-client, WebSocket transport) through the proxy: auth token, events and acks
 * both ways, rooms, namespaces / and /admin, binary attachments in an event and in an ack, CONNECT_ERROR, Engine.IO
 * pings.
 */
class SocketIoPeersTest extends PeersTestBase {
    static final String TOKEN = "s3cr3t-socketio-token";

    @Override
    Scenario scenario(Path temp) {
        return Scenario.node("socket.io", List.of(TOKEN, "s3cr3t-admin-token"));
    }

    @Override
    List<String> captureNames() {
        return List.of("01-chat-bot");
    }

    @Override
    String libraries() {
        return NodePeers.version("socket.io", "socket.io-client", "engine.io", "engine.io-client");
    }

    @Test
    void theHandshakeIsEngineIoFourOverWebSocket() {
        var h = run.session(0).session().info().handshake();
        assertThat(h.path()).isEqualTo("/socket.io/");
        assertThat(h.query()).contains("EIO=4").contains("transport=websocket");
        assertThat(h.subprotocol()).isNull();
    }

    @Test
    void binaryAttachmentsFollowTheirPlaceholderPacketAsSeparateBinaryFrames() {
        List<RecordedFrame> server = frames(0, Direction.SERVER_TO_CLIENT);
        int welcome = indexOf(server, "451-[\"welcome\"");
        assertThat(server.get(welcome + 1).type()).isEqualTo(FrameType.BINARY);
        assertThat(server.get(welcome + 1).text()).isEqualTo("avatar-bytes");
        int ack = indexOf(server, "461-2[");
        assertThat(server.get(ack + 1).payload()).containsExactly(0xff, 0x02, 0x01, 0x00);
        List<RecordedFrame> client = frames(0, Direction.CLIENT_TO_SERVER);
        int upload = indexOf(client, "451-2[\"upload\"");
        assertThat(client.get(upload + 1).payload()).containsExactly(0x00, 0x01, 0x02, 0xff);
    }

    @Test
    void namespacesAcksRefusalsAndPingsAreOnTheWire() {
        assertThat(texts(0, Direction.CLIENT_TO_SERVER)).contains("40{\"token\":\"" + TOKEN + "\",\"user\":\"bot-1\"}",
                "420[\"chat\",{\"text\":\"hello\"}]", "40/admin,{\"token\":\"wrong-token\"}", "42/admin,0[\"stats\"]",
                "430[{\"answer\":\"yes\",\"to\":\"ready?\"}]", "3");
        assertThat(texts(0, Direction.SERVER_TO_CLIENT)).contains("430[{\"ok\":true,\"id\":1,\"echo\":\"hello\"}]",
                "44/admin,{\"message\":\"not an admin\"}", "43/admin,0[{\"sockets\":1}]", "420[\"question\",{\"text\":\"ready?\"}]", "2");
        assertThat(texts(0, Direction.SERVER_TO_CLIENT).get(0)).startsWith("0{\"sid\":").contains("\"pingInterval\":250");
    }

    private static int indexOf(List<RecordedFrame> frames, String prefix) {
        for (int i = 0; i < frames.size(); i++) {
            if (frames.get(i).type() == FrameType.TEXT && frames.get(i).text().startsWith(prefix)) {
                return i;
            }
        }
        throw new AssertionError("no frame starts with " + prefix);
    }
}
