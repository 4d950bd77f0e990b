package dev.sockscope.decode.mqtt;

import java.util.List;

import dev.sockscope.decode.DecoderContext;
import dev.sockscope.decode.FrameInput;
import dev.sockscope.decode.FrameReader;
import dev.sockscope.decode.ProtocolDecoder;
import dev.sockscope.decode.Scripting;
import dev.sockscope.decode.spec.FieldPattern;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;

/**
 * MQTT 3.1.1 and MQTT 5 over WebSocket (MQTT 5 §6: binary messages carrying the byte stream, subprotocol {@code mqtt}).
 * Packets are reassembled across messages in each direction, labelled by type and topic, paired by packet id (the QoS 2
 * chain link by link), and the CONNECT password is masked in the stored copy with its length kept.
 */
public final class MqttDecoder implements ProtocolDecoder {
    /** Frames before a stored frame read again for its tree: a packet split over many messages, and the CONNECT's level. */
    static final int TREE_CONTEXT = 256;

    @Override
    public String name() {
        return "mqtt";
    }

    @Override
    public String title() {
        return "MQTT 3.1.1 and 5 over WebSocket";
    }

    @Override
    public String source() {
        return "https://docs.oasis-open.org/mqtt/mqtt/v5.0/mqtt-v5.0.html";
    }

    @Override
    public String detection() {
        return "subprotocol mqtt, mqttv3.1; content: a CONNECT packet";
    }

    @Override
    public List<String> subprotocols() {
        return List.of("mqtt", "mqttv3.1");
    }

    /**
     * A binary message from the client that starts a CONNECT: 0x10, a remaining length, then the protocol name
     * {@code MQTT} or {@code MQIsdp}. Looks at the first bytes only. (A CONNECT split over messages, as mqtt.js sends it,
     * is not recognised by content; mqtt.js offers the {@code mqtt} subprotocol.)
     */
    @Override
    public boolean recognises(FrameInput frame) {
        if (frame.type() != FrameType.BINARY || frame.from() != Direction.CLIENT_TO_SERVER) {
            return false;
        }
        byte[] p = frame.payload();
        if (p.length < 8 || p[0] != 0x10) {
            return false;
        }
        int i = 1;
        while (i < 5 && i < p.length && (p[i] & 0x80) != 0) {
            i++;
        }
        i++;
        if (i + 6 > p.length || p[i] != 0) {
            return false;
        }
        if (p[i + 1] == 4) {
            return p[i + 2] == 'M' && p[i + 3] == 'Q' && p[i + 4] == 'T' && p[i + 5] == 'T';
        }
        return p[i + 1] == 6 && i + 8 <= p.length && p[i + 2] == 'M' && p[i + 3] == 'Q' && p[i + 4] == 'I' && p[i + 5] == 's'
                && p[i + 6] == 'd' && p[i + 7] == 'p';
    }

    @Override
    public FrameReader open(DecoderContext context) {
        return new MqttReader(context.masker());
    }

    @Override
    public int treeContext() {
        return TREE_CONTEXT;
    }

    /** Packet ids are the peers' own counters, and the broker may assign the client id: replay does not compare them. */
    @Override
    public Scripting scripting() {
        return new Scripting() {
            @Override
            public List<FieldPattern> volatileFields() {
                return List.of(FieldPattern.parse("**.packetId"), FieldPattern.parse("**.properties.assignedClientIdentifier"));
            }

            @Override
            public List<FieldPattern> keyFields() {
                return List.of(FieldPattern.parse("**.packetId"));
            }
        };
    }
}
