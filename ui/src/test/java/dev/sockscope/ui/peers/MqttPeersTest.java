package dev.sockscope.ui.peers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

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
        return Scenario.node("mqtt", List.of(PASSWORD));
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
}
