package dev.sockscope.ui.peers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;

/**
 * STOMP 1.2 over WebSocket through the proxy: the @stomp/stompjs client against Apache ActiveMQ Artemis (a real
 * broker from Maven Central, run in this JVM): login/passcode, heart-beats, two subscriptions, a JSON SEND with a
 * receipt, MESSAGE, ACK, UNSUBSCRIBE, DISCONNECT with a receipt; then ERROR for a wrong passcode.
 */
class StompPeersTest extends PeersTestBase {
    private ArtemisBroker broker;

    @Override
    Scenario scenario(Path temp) throws Exception {
        broker = ArtemisBroker.start(temp.resolve("artemis"));
        return Scenario.against(broker.uri(), "stomp", List.of(ArtemisBroker.PASSCODE));
    }

    @AfterAll
    void stopTheBroker() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    /** Artemis 2.40.0 answers without permessage-deflate, even with webSocketCompressionSupported=true on its acceptor. */
    @Override
    boolean deflates(int index) {
        return false;
    }

    @Override
    List<String> captureNames() {
        return List.of("01-stomp-1.2-artemis", "02-wrong-passcode");
    }

    @Override
    String libraries() {
        return NodePeers.version("@stomp/stompjs", "ws") + ", " + ArtemisBroker.version();
    }

    @Test
    void theBrokerChoosesStompOneTwo() {
        assertThat(run.sessions()).allSatisfy(s -> assertThat(s.session().info().handshake().subprotocol()).isEqualTo("v12.stomp"));
    }

    @Test
    void framesAreCommandHeadersAndANulTerminatedBodyAndHeartBeatsAreNewlines() {
        List<String> client = stomp(0, Direction.CLIENT_TO_SERVER);
        List<String> server = stomp(0, Direction.SERVER_TO_CLIENT);
        assertThat(frames(0, Direction.CLIENT_TO_SERVER)).filteredOn(f -> f.type() != FrameType.CLOSE).as("stompjs sends text frames")
                .allSatisfy(f -> assertThat(f.type()).isEqualTo(FrameType.TEXT));
        assertThat(frames(0, Direction.SERVER_TO_CLIENT)).filteredOn(f -> f.type() != FrameType.CLOSE).as("Artemis answers in binary frames")
                .allSatisfy(f -> assertThat(f.type()).isEqualTo(FrameType.BINARY));
        assertThat(client.get(0)).startsWith("CONNECT\n").contains("login:bot\n", "passcode:" + ArtemisBroker.PASSCODE + "\n", "heart-beat:1000,1000\n").endsWith("\n\n\0");
        assertThat(server.get(0)).startsWith("CONNECTED\n").contains("version:1.2\n", "heart-beat:").as("a newline after the NUL").endsWith("\0\n");
        assertThat(client).anySatisfy(t -> assertThat(t).startsWith("SEND\n").contains("destination:/queue/orders\n",
                "content-type:application/json\n", "receipt:order-1\n").endsWith("{\"order\":42,\"items\":[\"tea\",\"cake\"]}\0"));
        assertThat(client).anySatisfy(t -> assertThat(t).startsWith("SUBSCRIBE\n").contains("ack:client-individual\n"));
        assertThat(client).anySatisfy(t -> assertThat(t).startsWith("ACK\n"));
        assertThat(client).anySatisfy(t -> assertThat(t).startsWith("UNSUBSCRIBE\n").contains("id:chat\n"));
        assertThat(client.stream().filter(t -> !t.equals("\n")).reduce((a, b) -> b).orElseThrow())
                .as("the last frame but heart-beats, which may follow it").startsWith("DISCONNECT\n").contains("receipt:");
        assertThat(server).anySatisfy(t -> assertThat(t).startsWith("RECEIPT\n").contains("receipt-id:order-1\n"));
        assertThat(server).anySatisfy(t -> assertThat(t).startsWith("MESSAGE\n").contains("subscription:orders\n"));
        assertThat(server).as("heart-beats from the broker").contains("\n");
        assertThat(client).as("heart-beats from the client").contains("\n");
    }

    @Test
    void aWrongPasscodeIsAnsweredWithError() {
        assertThat(stomp(1, Direction.SERVER_TO_CLIENT)).singleElement().asString().startsWith("ERROR\n");
    }

    /** The data messages one side sent, as text whatever their frame type (STOMP frames are text, in either). */
    private List<String> stomp(int index, Direction from) {
        return frames(index, from).stream().filter(f -> f.type() == FrameType.TEXT || f.type() == FrameType.BINARY)
                .map(f -> new String(f.payload(), StandardCharsets.UTF_8)).toList();
    }
}
