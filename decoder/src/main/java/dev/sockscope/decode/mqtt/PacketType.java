package dev.sockscope.decode.mqtt;

import dev.sockscope.wire.Direction;

/** The MQTT control packet types (MQTT 3.1.1 §2.2.1, MQTT 5 §2.1.2), with what their fixed header may hold. */
enum PacketType {
    CONNECT(1, From.CLIENT), CONNACK(2, From.SERVER), PUBLISH(3, From.EITHER), PUBACK(4, From.EITHER), PUBREC(5, From.EITHER),
    PUBREL(6, From.EITHER), PUBCOMP(7, From.EITHER), SUBSCRIBE(8, From.CLIENT), SUBACK(9, From.SERVER),
    UNSUBSCRIBE(10, From.CLIENT), UNSUBACK(11, From.SERVER), PINGREQ(12, From.CLIENT), PINGRESP(13, From.SERVER),
    DISCONNECT(14, From.EITHER), AUTH(15, From.EITHER);

    private enum From { CLIENT, SERVER, EITHER }

    private static final PacketType[] BY_CODE = new PacketType[16];

    static {
        for (PacketType t : values()) {
            BY_CODE[t.code] = t;
        }
    }

    private final int code;
    private final From from;

    PacketType(int code, From from) {
        this.code = code;
        this.from = from;
    }

    int code() {
        return code;
    }

    /** The type of a fixed header's first byte; null for the reserved type 0. */
    static PacketType of(int headerByte) {
        return BY_CODE[(headerByte >> 4) & 0xF];
    }

    /**
     * Why a first byte cannot start a packet sent by {@code sender}, or null when it can: a reserved type, flags the
     * spec fixes to other values, PUBLISH with QoS 3, a packet only the other peer sends.
     */
    static String problem(int headerByte, Direction sender) {
        PacketType t = of(headerByte);
        if (t == null) {
            return "packet type 0 is reserved";
        }
        int flags = headerByte & 0xF;
        if (t == PUBLISH) {
            if ((flags & 0x6) == 0x6) {
                return "PUBLISH with QoS 3";
            }
        } else if (flags != (t == PUBREL || t == SUBSCRIBE || t == UNSUBSCRIBE ? 2 : 0)) {
            return t + " with flags " + flags;
        }
        if (t.from == From.CLIENT && sender == Direction.SERVER_TO_CLIENT) {
            return t + " from the server";
        }
        if (t.from == From.SERVER && sender == Direction.CLIENT_TO_SERVER) {
            return t + " from the client";
        }
        return null;
    }
}
