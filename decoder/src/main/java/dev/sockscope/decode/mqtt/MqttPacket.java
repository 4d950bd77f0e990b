package dev.sockscope.decode.mqtt;

import java.util.List;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** One whole MQTT control packet, as {@link PacketParser} read it. Properties are empty in MQTT 3.1.1. */
sealed interface MqttPacket {

    PacketType type();

    /**
     * CONNECT. {@code passwordStart}/{@code passwordEnd} are the password's bytes in the packet (both -1 without one).
     *
     * @param level 3 (MQTT 3.1, {@code MQIsdp}), 4 (3.1.1) or 5
     */
    record Connect(String protocolName, int level, boolean cleanStart, int keepAlive, String clientId, Will will,
                   String username, byte[] password, int passwordStart, int passwordEnd, ObjectNode properties) implements MqttPacket {
        public PacketType type() {
            return PacketType.CONNECT;
        }
    }

    /** The will message a CONNECT leaves with the server. */
    record Will(int qos, boolean retain, String topic, byte[] payload, ObjectNode properties) {
    }

    /** CONNACK: {@code code} is the 3.1.1 return code or the MQTT 5 reason code. */
    record Connack(boolean sessionPresent, int code, ObjectNode properties) implements MqttPacket {
        public PacketType type() {
            return PacketType.CONNACK;
        }
    }

    /** PUBLISH: {@code packetId} is null at QoS 0; {@code topic} is empty when an MQTT 5 topic alias stands for it. */
    record Publish(int qos, boolean retain, boolean dup, String topic, Integer packetId, ObjectNode properties, byte[] payload)
            implements MqttPacket {
        public PacketType type() {
            return PacketType.PUBLISH;
        }
    }

    /** PUBACK, PUBREC, PUBREL or PUBCOMP: a packet id and (MQTT 5) a reason code, 0 when absent. */
    record Ack(PacketType type, int packetId, int reason, ObjectNode properties) implements MqttPacket {
    }

    /** SUBSCRIBE: topic filters with their options (QoS in the low 2 bits). */
    record Subscribe(int packetId, List<Filter> filters, ObjectNode properties) implements MqttPacket {
        public PacketType type() {
            return PacketType.SUBSCRIBE;
        }
    }

    record Filter(String topic, int options) {
        int qos() {
            return options & 3;
        }
    }

    /** SUBACK or UNSUBACK: one code per filter (none in a 3.1.1 UNSUBACK). */
    record SubAck(PacketType type, int packetId, List<Integer> codes, ObjectNode properties) implements MqttPacket {
    }

    record Unsubscribe(int packetId, List<String> filters, ObjectNode properties) implements MqttPacket {
        public PacketType type() {
            return PacketType.UNSUBSCRIBE;
        }
    }

    /** PINGREQ or PINGRESP. */
    record Ping(PacketType type) implements MqttPacket {
    }

    /** DISCONNECT or AUTH (MQTT 5): a reason code, 0 when absent. */
    record Ending(PacketType type, int reason, ObjectNode properties) implements MqttPacket {
    }
}
