package dev.sockscope.ui.peers;

import static dev.sockscope.ui.peers.StoredDecodings.assertAnswers;
import static dev.sockscope.ui.peers.StoredDecodings.label;
import static dev.sockscope.ui.peers.StoredDecodings.one;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.sockscope.decode.Kind;
import dev.sockscope.recordings.StoredFrame;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;

/**
 * MQTT 3.1.1 over WebSocket through the proxy: the aedes broker and the mqtt.js client (QoS 0/1/2 both ways, a
 * retained message, a SUBACK refusal, PINGREQ, UNSUBSCRIBE, DISCONNECT), then a second connection refused by CONNACK.
 */
class MqttPeersTest extends PeersTestBase {
    static final String PASSWORD = "s3cr3t-mqtt-password";
    /** Packet types of MQTT 3.1.1. */
    static final int CONNECT = 1, CONNACK = 2, PUBLISH = 3, PUBACK = 4, PUBREC = 5, PUBREL = 6, PUBCOMP = 7, SUBSCRIBE = 8,
            SUBACK = 9, UNSUBSCRIBE = 10, UNSUBACK = 11, PINGREQ = 12, PINGRESP = 13, DISCONNECT = 14;

    @Override
    Scenario scenario(Path temp) {
        return Scenario.node("mqtt", List.of(PASSWORD, "wrong-password"));
    }

    @Override
    List<String> captureNames() {
        return List.of("01-mqtt-3.1.1-aedes", "02-mqtt-3.1.1-connack-refused");
    }

    @Override
    String libraries() {
        return NodePeers.version("aedes", "mqtt", "ws");
    }

    @Test
    void theSubprotocolIsMqttAndEveryMessageIsBinary() {
        for (PeerRun.Recorded s : run.sessions()) {
            assertThat(s.session().info().handshake().subprotocol()).isEqualTo("mqtt");
            assertThat(s.frames()).filteredOn(f -> f.frame().type() != FrameType.CLOSE)
                    .allSatisfy(f -> assertThat(f.frame().type()).isEqualTo(FrameType.BINARY));
        }
    }

    @Test
    void bothLibrariesSplitPacketsAcrossWebSocketMessagesAndTheStreamsHoldWholePackets() {
        var frames = RecordedWire.asSent(run, 0);
        List<MqttPackets.Packet> client = MqttPackets.packets(MqttPackets.stream(frames, Direction.CLIENT_TO_SERVER));
        List<MqttPackets.Packet> server = MqttPackets.packets(MqttPackets.stream(frames, Direction.SERVER_TO_CLIENT));
        assertThat(frames(0, Direction.CLIENT_TO_SERVER).size()).as("client messages vs packets").isGreaterThan(client.size());
        assertThat(frames(0, Direction.SERVER_TO_CLIENT).size()).as("server messages vs packets").isGreaterThan(server.size());
        assertThat(client.get(0).type()).isEqualTo(CONNECT);
        assertThat(client).extracting(MqttPackets.Packet::type)
                .contains(SUBSCRIBE, PUBLISH, PUBACK, PUBREC, PUBREL, PUBCOMP, PINGREQ, UNSUBSCRIBE)
                .last().isEqualTo(DISCONNECT);
        assertThat(server).extracting(MqttPackets.Packet::type)
                .contains(CONNACK, SUBACK, PUBLISH, PUBACK, PUBREC, PUBREL, PUBCOMP, PINGRESP, UNSUBACK);
        assertThat(client).filteredOn(p -> p.type() == PUBLISH).extracting(p -> (p.header() >> 1) & 3).contains(0, 1, 2);
        assertThat(server).filteredOn(p -> p.type() == PUBLISH && (p.header() & 1) == 1).as("a retained PUBLISH").isNotEmpty();
        assertThat(server).filteredOn(p -> p.type() == SUBACK).extracting(p -> p.bytes()[p.bytes().length - 1] & 0xFF).contains(0x80);
    }

    @Test
    void theSecondConnectionIsRefusedByConnack() {
        var frames = RecordedWire.asSent(run, 1);
        List<MqttPackets.Packet> server = MqttPackets.packets(MqttPackets.stream(frames, Direction.SERVER_TO_CLIENT));
        assertThat(server).singleElement().satisfies(p -> {
            assertThat(p.type()).isEqualTo(CONNACK);
            assertThat(p.bytes()[3]).as("return code: bad user name or password").isEqualTo((byte) 4);
        });
    }

    @Test
    void theStoreHoldsEachPacketDecodedOnTheMessageThatCompletesItAndThePartsBefore() {
        assertThat(run.sessions()).allSatisfy(s -> assertThat(s.session().protocol()).isEqualTo("mqtt"));
        List<StoredFrame> frames = run.session(0).frames();
        StoredFrame connect = one(frames, "CONNECT");
        assertThat(connect.decoding().kind()).isEqualTo(Kind.REQUEST);
        assertThat(connect.decoding().summary()).contains("MQTT 3.1.1", "user bot").doesNotContain(PASSWORD);
        assertThat(frames).filteredOn(f -> f.seq() < connect.seq()).as("mqtt.js sends the CONNECT field by field")
                .hasSizeGreaterThan(5).allSatisfy(f -> {
                    assertThat(f.decoding().label()).isEqualTo("CONNECT (part)");
                    assertThat(f.decoding().kind()).isEqualTo(Kind.UNKNOWN);
                });
        assertAnswers(one(frames, "CONNACK"), connect, Kind.RESPONSE);
        assertThat(frames).filteredOn(f -> f.frame().type() != FrameType.CLOSE)
                .allSatisfy(f -> assertThat(f.decoding().warnings()).as("frame %d", f.seq()).isEmpty());
        assertThat(run.session(0).session().unanswered()).as("requests never answered (null: none)").isNull();
    }

    @Test
    void publishesAreLabelledByTopicAndPairedWithTheirAcksAndTheQos2ChainLinkByLink() {
        List<StoredFrame> frames = run.session(0).frames();
        for (Direction publisher : Direction.values()) {
            StoredFrame q0 = one(frames, "PUBLISH chat/qos0", publisher);
            assertThat(q0.decoding().kind()).isEqualTo(Kind.EVENT);
            assertThat(q0.decoding().summary()).contains("QoS 0", "“hello at most once”");
            StoredFrame q1 = one(frames, "PUBLISH chat/qos1", publisher);
            assertThat(q1.decoding().kind()).isEqualTo(Kind.REQUEST);
            assertThat(q1.decoding().summary()).contains("QoS 1", "{\"text\":\"hello at least once\",\"n\":1}");
            assertAnswers(one(frames, "PUBACK chat/qos1", publisher.reverse()), q1, Kind.RESPONSE);
            StoredFrame q2 = one(frames, "PUBLISH chat/qos2", publisher);
            StoredFrame pubrec = one(frames, "PUBREC chat/qos2", publisher.reverse());
            StoredFrame pubrel = one(frames, "PUBREL chat/qos2", publisher);
            StoredFrame pubcomp = one(frames, "PUBCOMP chat/qos2", publisher.reverse());
            assertAnswers(pubrec, q2, Kind.RESPONSE);
            assertAnswers(pubrel, pubrec, Kind.RESPONSE);
            assertAnswers(pubcomp, pubrel, Kind.RESPONSE);
        }
        assertThat(one(frames, "PUBLISH status/bot", Direction.SERVER_TO_CLIENT).decoding().summary()).as("the retained message")
                .contains("retained", "“online”");
        StoredFrame refused = one(frames, "SUBACK forbidden/x");
        assertThat(refused.decoding().kind()).isEqualTo(Kind.ERROR);
        assertAnswers(refused, one(frames, "SUBSCRIBE forbidden/x"), Kind.ERROR);
        assertAnswers(one(frames, "SUBACK chat/qos0, chat/qos1, chat/qos2"), one(frames, "SUBSCRIBE chat/qos0, chat/qos1, chat/qos2"),
                Kind.RESPONSE);
        assertAnswers(one(frames, "UNSUBACK chat/qos0"), one(frames, "UNSUBSCRIBE chat/qos0"), Kind.RESPONSE);
        StoredFrame ping = frames.stream().filter(f -> label(f).equals("PINGREQ")).findFirst().orElseThrow();
        assertThat(ping.decoding().kind()).isEqualTo(Kind.HEARTBEAT);
        StoredFrame pong = frames.stream().filter(f -> label(f).equals("PINGRESP") && f.decoding().correlatesWith() == ping.seq())
                .findFirst().orElseThrow();
        assertThat(pong.decoding().kind()).isEqualTo(Kind.HEARTBEAT);
    }

    @Test
    void theRefusingConnackIsAnErrorAnsweringTheConnect() {
        List<StoredFrame> frames = run.session(1).frames();
        StoredFrame connack = one(frames, "CONNACK");
        assertAnswers(connack, one(frames, "CONNECT"), Kind.ERROR);
        assertThat(connack.decoding().summary()).isEqualTo("refused: bad user name or password (4)");
    }

    @Test
    void thePasswordIsNotInTheStoreButMaskedKeepingItsLength() {
        for (PeerRun.Recorded s : run.sessions()) {
            // Joined: a password may be split over messages.
            String client = new String(MqttPackets.stream(s.frames().stream().map(StoredFrame::frame).toList(), Direction.CLIENT_TO_SERVER),
                    StandardCharsets.ISO_8859_1);
            assertThat(client).doesNotContain(PASSWORD).doesNotContain("wrong-password").contains("bot").contains("[hmac:");
            List<MqttPackets.Packet> packets = MqttPackets.packets(client.getBytes(StandardCharsets.ISO_8859_1));
            assertThat(packets.get(0).type()).as("the stored stream still parses").isEqualTo(CONNECT);
        }
    }
}
