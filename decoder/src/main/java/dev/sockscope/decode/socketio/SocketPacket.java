package dev.sockscope.decode.socketio;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One Socket.IO v4 packet, as {@code socket.io-parser} writes it inside an Engine.IO message:
 * {@code <type>[<attachments>-][<namespace>,][<ack id>][<JSON>]}, such as {@code 2/admin,0["stats"]}.
 *
 * @param type        the packet type
 * @param attachments how many binary frames follow (BINARY_EVENT, BINARY_ACK), else 0
 * @param namespace   {@code /} unless the packet names another
 * @param ackId       the acknowledgement id, or null
 * @param payload     the JSON after the header, or null when there is none
 * @param jsonStart   where the JSON starts in the packet's text (its length when there is none)
 */
record SocketPacket(Type type, int attachments, String namespace, Long ackId, JsonNode payload, int jsonStart) {

    /** The Socket.IO packet types, by their digit. */
    enum Type {
        CONNECT, DISCONNECT, EVENT, ACK, CONNECT_ERROR, BINARY_EVENT, BINARY_ACK;

        static Type of(char digit) {
            int i = digit - '0';
            return i >= 0 && i < values().length ? values()[i] : null;
        }

        boolean isEvent() {
            return this == EVENT || this == BINARY_EVENT;
        }

        boolean isAck() {
            return this == ACK || this == BINARY_ACK;
        }
    }

    /** The event name of an EVENT or BINARY_EVENT (its first argument), else null. */
    String eventName() {
        if (!type.isEvent() || payload == null || !payload.isArray() || payload.isEmpty()) {
            return null;
        }
        JsonNode first = payload.get(0);
        return first.isTextual() || first.isNumber() ? first.asText() : null;
    }

    /** The same packet with another payload (its credentials masked, for display). */
    SocketPacket withPayload(JsonNode shown) {
        return new SocketPacket(type, attachments, namespace, ackId, shown, jsonStart);
    }

    boolean rootNamespace() {
        return namespace.equals("/");
    }
}
