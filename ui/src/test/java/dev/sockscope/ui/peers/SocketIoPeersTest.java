package dev.sockscope.ui.peers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.sockscope.decode.FrameDecoding;
import dev.sockscope.decode.Kind;
import dev.sockscope.recordings.StoredFrame;
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

    /** The recordings folder the run writes (PeersTestBase puts it there). */
    private Path recordings;

    @Override
    Scenario scenario(Path temp) {
        recordings = temp.resolve("recordings");
        // The wrong token is a credential too: masked in the store like the right ones.
        return Scenario.node("socket.io", List.of(TOKEN, "s3cr3t-admin-token", "wrong-token"));
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

    @Test
    void theStoreSaysSocketIoChosenByTheHandshake() {
        assertThat(run.session(0).session().protocol()).isEqualTo("socket.io");
        assertThat(run.session(0).session().protocolReason()).isEqualTo("handshake: path /socket.io/ with EIO=4");
        assertThat(run.session(0).session().unanswered()).as("every ack and connect answered (null: none)").isNullOrEmpty();
        assertThat(stored()).filteredOn(f -> f.frame().type() != FrameType.CLOSE)
                .allSatisfy(f -> assertThat(f.decoding().protocol()).isEqualTo("socket.io"))
                .allSatisfy(f -> assertThat(f.decoding().warnings()).as("frame %d", f.seq()).isEmpty());
    }

    @Test
    void eventsAreLabelledByNameAndAcksBothWaysArePairedWithTheirEventAndTakeItsLabel() {
        StoredFrame chat = stored("420[\"chat\"");
        StoredFrame chatAck = stored("430[{\"ok\"");
        assertThat(chat.decoding()).extracting(FrameDecoding::label, FrameDecoding::kind).containsExactly("chat", Kind.REQUEST);
        assertThat(chatAck.decoding()).extracting(FrameDecoding::label, FrameDecoding::kind, FrameDecoding::correlatesWith)
                .containsExactly("chat", Kind.RESPONSE, chat.seq());
        assertThat(chatAck.decoding().latencyMicros()).isEqualTo(chatAck.frame().timeMicros() - chat.frame().timeMicros()).isPositive();
        StoredFrame question = stored("420[\"question\"");
        assertThat(question.frame().from()).as("the server asks (emitWithAck)").isEqualTo(Direction.SERVER_TO_CLIENT);
        assertThat(stored("430[{\"answer\"").decoding()).extracting(FrameDecoding::label, FrameDecoding::kind, FrameDecoding::correlatesWith)
                .containsExactly("question", Kind.RESPONSE, question.seq());
        StoredFrame stats = stored("42/admin,0[");
        assertThat(stored("43/admin,0[").decoding()).as("ack id 0 again, in /admin: its own pair")
                .extracting(FrameDecoding::label, FrameDecoding::correlatesWith).containsExactly("stats", stats.seq());
        assertThat(stored("42[\"room-event\"").decoding()).extracting(FrameDecoding::label, FrameDecoding::kind)
                .containsExactly("room-event", Kind.EVENT);
    }

    @Test
    void binaryAttachmentsAreJoinedToTheirPacket() {
        List<StoredFrame> all = stored();
        StoredFrame welcome = stored("451-[\"welcome\"");
        StoredFrame avatar = all.stream().filter(f -> f.frame().type() == FrameType.BINARY && f.seq() > welcome.seq()
                && f.frame().from() == welcome.frame().from()).findFirst().orElseThrow();
        assertThat(avatar.decoding()).extracting(FrameDecoding::label, FrameDecoding::correlatesWith).containsExactly("welcome", welcome.seq());
        assertThat(avatar.decoding().summary()).startsWith("attachment 1/1 of #" + welcome.seq());
        StoredFrame ack = stored("461-2[");
        StoredFrame upload = stored("451-2[\"upload\"");
        assertThat(ack.decoding()).extracting(FrameDecoding::label, FrameDecoding::correlatesWith).containsExactly("upload", upload.seq());
        assertThat(all.stream().filter(f -> f.frame().type() == FrameType.BINARY)).extracting(f -> f.decoding().label())
                .containsOnly("welcome", "upload");
    }

    @Test
    void connectsArePairedPerNamespaceRefusalsAreErrorsAndPingsAreHeartbeats() {
        // The first CONNECT to /admin carries the wrong token (masked in the store like any auth payload).
        StoredFrame wrong = stored().stream().filter(f -> f.decoding().label().equals("CONNECT /admin")).findFirst().orElseThrow();
        assertThat(wrong.decoding().kind()).isEqualTo(Kind.REQUEST);
        assertThat(stored("44/admin,").decoding()).extracting(FrameDecoding::label, FrameDecoding::kind, FrameDecoding::correlatesWith)
                .containsExactly("CONNECT_ERROR /admin", Kind.ERROR, wrong.seq());
        assertThat(stored("40{\"sid\"").decoding()).extracting(FrameDecoding::label, FrameDecoding::kind)
                .containsExactly("CONNECT", Kind.RESPONSE);
        List<StoredFrame> beats = stored().stream().filter(f -> f.decoding().kind() == Kind.HEARTBEAT).toList();
        // The server pings every 250 ms, so the count varies from run to run: each pong answers the ping before it.
        assertThat(beats).hasSizeGreaterThanOrEqualTo(2);
        for (int i = 0; i + 1 < beats.size(); i += 2) {
            assertThat(beats.get(i).decoding().label()).isEqualTo("ping");
            assertThat(beats.get(i + 1).decoding()).extracting(FrameDecoding::label, FrameDecoding::correlatesWith)
                    .containsExactly("pong", beats.get(i).seq());
        }
    }

    @Test
    void theAuthTokensAreNotInTheStore() {
        assertThat(stored()).allSatisfy(f -> assertThat(f.frame().text() + f.decoding().summary() + f.decoding().label())
                .doesNotContain("s3cr3t").doesNotContain("wrong-token"));
        assertThat(stored("40{\"token\"").frame().text()).as("the rest of the packet is kept").startsWith("40{\"token\":\"")
                .endsWith(",\"user\":\"bot-1\"}");
    }

    @Test
    void noCredentialIsInAnyFileOfTheRecordingsFolder() {
        SecretsOnDisk.assertNowhere(recordings, TOKEN, "room-event");
        SecretsOnDisk.assertNowhere(recordings, "s3cr3t-admin-token", "room-event");
        SecretsOnDisk.assertNowhere(recordings, "wrong-token", "room-event");
    }

    /** The stored frames of the session, as the store returns them (masked, with their decodings). */
    private List<StoredFrame> stored() {
        return run.session(0).frames();
    }

    /** The one stored text frame that starts with {@code prefix}. */
    private StoredFrame stored(String prefix) {
        List<StoredFrame> found = stored().stream().filter(f -> f.frame().type() == FrameType.TEXT && f.frame().text().startsWith(prefix)).toList();
        assertThat(found).as("stored frames starting with " + prefix).hasSize(1);
        return found.get(0);
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
