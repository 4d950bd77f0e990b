package dev.sockscope.decode.mqtt;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Reads one whole MQTT packet (fixed header included) into an {@link MqttPacket}, by MQTT 3.1.1 (OASIS Standard,
 * 2014) or MQTT 5.0 (OASIS Standard, 2019) as the session's CONNECT said. Never throws: a packet that breaks the spec
 * is a {@link Bad} saying where.
 */
final class PacketParser {
    /** What one packet's bytes are. */
    sealed interface Parsed permits Ok, Bad {
    }

    record Ok(MqttPacket packet) implements Parsed {
    }

    /** {@code type} is what the fixed header said (null if even that is wrong). */
    record Bad(PacketType type, String reason) implements Parsed {
    }

    private PacketParser() {
    }

    /** The packet in {@code bytes[start, end)}: a fixed header whose remaining length ends exactly at {@code end}. */
    static Parsed parse(byte[] bytes, int start, int end, int level) {
        int header = bytes[start] & 0xFF;
        PacketType type = PacketType.of(header);
        try {
            Cursor in = new Cursor(bytes, start + 1, end);
            int length = in.varint("remaining length");
            if (length != in.remaining()) {
                return new Bad(type, "the remaining length says " + length + " bytes, the packet holds " + in.remaining());
            }
            if (type == null) {
                return new Bad(null, "packet type 0 is reserved");
            }
            boolean v5 = level >= 5;
            MqttPacket packet = switch (type) {
                case CONNECT -> connect(in, start);
                case CONNACK -> connack(in, v5);
                case PUBLISH -> publish(in, header, v5);
                case PUBACK, PUBREC, PUBREL, PUBCOMP -> new MqttPacket.Ack(type, in.u16("packet identifier"),
                        v5 && !in.atEnd() ? in.u8("reason code") : 0, v5 && !in.atEnd() ? Properties.read(in, true) : Properties.NONE);
                case SUBSCRIBE -> subscribe(in, v5);
                case SUBACK, UNSUBACK -> subAck(in, type, v5);
                case UNSUBSCRIBE -> unsubscribe(in, v5);
                case PINGREQ, PINGRESP -> new MqttPacket.Ping(type);
                case DISCONNECT, AUTH -> new MqttPacket.Ending(type, v5 && !in.atEnd() ? in.u8("reason code") : 0,
                        v5 && !in.atEnd() ? Properties.read(in, true) : Properties.NONE);
            };
            if (!in.atEnd()) {
                return new Bad(type, (in.remaining() == 1 ? "1 byte" : in.remaining() + " bytes") + " left over after the " + type + " packet's fields");
            }
            return new Ok(packet);
        } catch (Cursor.Malformed e) {
            return new Bad(type, e.getMessage());
        }
    }


    /**
     * Where the password of a CONNECT is in its bytes so far ({@code bytes[start, available)}, the packet not yet whole):
     * {start, end} relative to the packet's start once the fields before it have arrived, else null (also when there is
     * none, or the packet is not a CONNECT).
     */
    static int[] passwordSpan(byte[] bytes, int start, int available) {
        if (available - start < 2 || PacketType.of(bytes[start] & 0xFF) != PacketType.CONNECT) {
            return null;
        }
        Cursor in = new Cursor(bytes, start + 1, available);
        try {
            in.varint("remaining length");
            MqttPacket.Connect c = connect(in, start);
            return c.passwordStart() < 0 ? null : new int[] {c.passwordStart(), c.passwordEnd()};
        } catch (PasswordAt at) {
            return new int[] {at.start - start, at.end - start};
        } catch (Cursor.Malformed e) {
            return null;
        }
    }

    /** Thrown by a partial read as soon as the password's length is known. */
    private static final class PasswordAt extends Cursor.Malformed {
        final int start;
        final int end;

        PasswordAt(int start, int end) {
            super("password");
            this.start = start;
            this.end = end;
        }
    }

    private static MqttPacket.Connect connect(Cursor in, int packetStart) throws Cursor.Malformed {
        String name = in.utf8("protocol name");
        int level = in.u8("protocol level");
        if (!(name.equals("MQTT") && (level == 4 || level == 5)) && !(name.equals("MQIsdp") && level == 3)) {
            throw new Cursor.Malformed("protocol " + name + " level " + level + " is not MQTT 3.1, 3.1.1 or 5");
        }
        int flags = in.u8("connect flags");
        if ((flags & 1) != 0) {
            throw new Cursor.Malformed("the reserved connect flag is set");
        }
        int keepAlive = in.u16("keep alive");
        boolean v5 = level == 5;
        ObjectNode properties = Properties.read(in, v5);
        String clientId = in.utf8("client identifier");
        MqttPacket.Will will = null;
        if ((flags & 0x04) != 0) {
            ObjectNode willProperties = Properties.read(in, v5);
            String topic = in.utf8("will topic");
            byte[] payload = in.binary("will payload");
            will = new MqttPacket.Will((flags >> 3) & 3, (flags & 0x20) != 0, topic, payload, willProperties);
        }
        String username = (flags & 0x80) != 0 ? in.utf8("user name") : null;
        byte[] password = null;
        int passwordStart = -1;
        int passwordEnd = -1;
        if ((flags & 0x40) != 0) {
            int length = in.u16("password length");
            passwordStart = in.pos() - packetStart;
            passwordEnd = passwordStart + length;
            if (in.remaining() < length) {
                throw new PasswordAt(in.pos(), in.pos() + length);
            }
            in.skip(length, "password");
            password = java.util.Arrays.copyOfRange(in.bytes(), passwordStart + packetStart, passwordEnd + packetStart);
        }
        return new MqttPacket.Connect(name, level, (flags & 0x02) != 0, keepAlive, clientId, will, username, password,
                passwordStart, passwordEnd, properties);
    }

    private static MqttPacket.Connack connack(Cursor in, boolean v5) throws Cursor.Malformed {
        int flags = in.u8("acknowledge flags");
        int code = in.u8(v5 ? "reason code" : "return code");
        return new MqttPacket.Connack((flags & 1) != 0, code, Properties.read(in, v5 && !in.atEnd()));
    }

    private static MqttPacket.Publish publish(Cursor in, int header, boolean v5) throws Cursor.Malformed {
        int qos = (header >> 1) & 3;
        String topic = in.utf8("topic name");
        Integer id = qos > 0 ? in.u16("packet identifier") : null;
        ObjectNode properties = Properties.read(in, v5);
        return new MqttPacket.Publish(qos, (header & 1) != 0, (header & 8) != 0, topic, id, properties, in.rest());
    }

    private static MqttPacket.Subscribe subscribe(Cursor in, boolean v5) throws Cursor.Malformed {
        int id = in.u16("packet identifier");
        ObjectNode properties = Properties.read(in, v5);
        List<MqttPacket.Filter> filters = new ArrayList<>();
        while (!in.atEnd()) {
            filters.add(new MqttPacket.Filter(in.utf8("topic filter"), in.u8("subscription options")));
        }
        if (filters.isEmpty()) {
            throw new Cursor.Malformed("a SUBSCRIBE with no topic filter");
        }
        return new MqttPacket.Subscribe(id, filters, properties);
    }

    private static MqttPacket.SubAck subAck(Cursor in, PacketType type, boolean v5) throws Cursor.Malformed {
        int id = in.u16("packet identifier");
        ObjectNode properties = Properties.read(in, v5);
        List<Integer> codes = new ArrayList<>();
        if (type == PacketType.SUBACK || v5) {
            while (!in.atEnd()) {
                codes.add(in.u8("reason code"));
            }
        }
        return new MqttPacket.SubAck(type, id, codes, properties);
    }

    private static MqttPacket.Unsubscribe unsubscribe(Cursor in, boolean v5) throws Cursor.Malformed {
        int id = in.u16("packet identifier");
        ObjectNode properties = Properties.read(in, v5);
        List<String> filters = new ArrayList<>();
        while (!in.atEnd()) {
            filters.add(in.utf8("topic filter"));
        }
        if (filters.isEmpty()) {
            throw new Cursor.Malformed("an UNSUBSCRIBE with no topic filter");
        }
        return new MqttPacket.Unsubscribe(id, filters, properties);
    }
}
