package dev.sockscope.ui.peers;

import static dev.sockscope.ui.peers.StoredDecodings.assertAnswers;
import static dev.sockscope.ui.peers.StoredDecodings.label;
import static dev.sockscope.ui.peers.StoredDecodings.one;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import dev.sockscope.decode.Kind;
import dev.sockscope.recordings.StoredFrame;
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
        return Scenario.against(broker.uri(), "stomp", List.of(ArtemisBroker.PASSCODE, "wrong-passcode"));
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

    @Test
    void theStoreHoldsFramesLabelledByCommandAndDestinationAndPaired() {
        assertThat(run.sessions()).allSatisfy(s -> assertThat(s.session().protocol()).isEqualTo("stomp"));
        List<StoredFrame> frames = run.session(0).frames();
        StoredFrame connect = one(frames, "CONNECT");
        assertThat(connect.decoding().kind()).isEqualTo(Kind.REQUEST);
        assertThat(connect.decoding().summary()).contains("login bot", "passcode s3c…[hmac:").doesNotContain(ArtemisBroker.PASSCODE);
        assertAnswers(one(frames, "CONNECTED"), connect, Kind.RESPONSE);
        StoredFrame send = one(frames, "SEND /queue/orders");
        assertThat(send.decoding().kind()).as("it asks for a receipt").isEqualTo(Kind.REQUEST);
        assertThat(send.decoding().summary()).contains("{\"order\":42,\"items\":[\"tea\",\"cake\"]}");
        assertAnswers(one(frames, "RECEIPT /queue/orders"), send, Kind.RESPONSE);
        StoredFrame orders = one(frames, "SUBSCRIBE /queue/orders");
        StoredFrame chat = one(frames, "SUBSCRIBE /topic/chat");
        StoredFrame message = one(frames, "MESSAGE /queue/orders");
        assertAnswers(message, orders, Kind.EVENT);
        assertAnswers(one(frames, "MESSAGE /topic/chat"), chat, Kind.EVENT);
        assertAnswers(one(frames, "ACK /queue/orders"), message, Kind.RESPONSE);
        assertThat(one(frames, "UNSUBSCRIBE /topic/chat").decoding().correlatesWith()).as("ends the subscription").isEqualTo(chat.seq());
        assertAnswers(one(frames, "RECEIPT DISCONNECT"), one(frames, "DISCONNECT"), Kind.RESPONSE);
        for (Direction from : Direction.values()) {
            assertThat(frames).filteredOn(f -> f.frame().from() == from && label(f).equals("heart-beat")).as("heart-beats from %s", from)
                    .isNotEmpty().allSatisfy(f -> assertThat(f.decoding().kind()).isEqualTo(Kind.HEARTBEAT));
        }
        assertThat(frames).filteredOn(f -> f.frame().type() != FrameType.CLOSE)
                .allSatisfy(f -> assertThat(f.decoding().warnings()).as("frame %d", f.seq()).isEmpty());
        assertThat(run.session(0).session().unanswered()).as("requests never answered (null: none)").isNull();
    }

    @Test
    void theRefusingErrorIsAnErrorAnsweringTheConnect() {
        List<StoredFrame> frames = run.session(1).frames();
        StoredFrame error = one(frames, "ERROR");
        assertAnswers(error, one(frames, "CONNECT"), Kind.ERROR);
        assertThat(error.decoding().summary()).contains("password is invalid");
    }

    @Test
    void thePasscodeIsNotInTheStoreAndTheStoredConnectStillParses() {
        for (PeerRun.Recorded s : run.sessions()) {
            String stored = s.frames().stream().map(f -> new String(f.frame().payload(), StandardCharsets.UTF_8)).reduce("", String::concat);
            assertThat(stored).doesNotContain(ArtemisBroker.PASSCODE).doesNotContain("wrong-passcode");
            String connect = new String(s.frames().get(0).frame().payload(), StandardCharsets.UTF_8);
            assertThat(connect).startsWith("CONNECT\nlogin:bot\npasscode:").contains("[hmac:").endsWith("\n\n\0");
        }
    }

    /** The data messages one side sent, as text whatever their frame type (STOMP frames are text, in either). */
    private List<String> stomp(int index, Direction from) {
        return frames(index, from).stream().filter(f -> f.type() == FrameType.TEXT || f.type() == FrameType.BINARY)
                .map(f -> new String(f.payload(), StandardCharsets.UTF_8)).toList();
    }
}
