package dev.sockscope.decode.socketio;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sockscope.decode.JsonText;

/** Reads a Socket.IO packet's text as {@code socket.io-parser} does, saying what is wrong rather than throwing. */
final class PacketParser {
    /** More attachments than this is not a packet anyone sends (socket.io-parser has no limit; we keep state bounded). */
    static final int MAX_ATTACHMENTS = 10_000;

    /** A packet, or why the text is not one. */
    sealed interface Result permits Ok, Bad {
    }

    record Ok(SocketPacket packet) implements Result {
    }

    record Bad(String reason) implements Result {
    }

    private PacketParser() {
    }

    static Result parse(String s) {
        if (s.isEmpty()) {
            return new Bad("an empty Socket.IO packet");
        }
        SocketPacket.Type type = SocketPacket.Type.of(s.charAt(0));
        if (type == null) {
            return new Bad("'" + s.charAt(0) + "' is not a Socket.IO packet type (0-6)");
        }
        int i = 1;
        int attachments = 0;
        if (type == SocketPacket.Type.BINARY_EVENT || type == SocketPacket.Type.BINARY_ACK) {
            int dash = s.indexOf('-', i);
            if (dash < 0 || dash == i || dash - i > 5 || !digits(s, i, dash)) {
                return new Bad("a binary packet without its attachment count");
            }
            attachments = Integer.parseInt(s, i, dash, 10);
            if (attachments > MAX_ATTACHMENTS) {
                return new Bad(attachments + " attachments is more than " + MAX_ATTACHMENTS);
            }
            i = dash + 1;
        }
        String namespace = "/";
        if (i < s.length() && s.charAt(i) == '/') {
            int comma = s.indexOf(',', i);
            int end = comma < 0 ? s.length() : comma;
            namespace = s.substring(i, end);
            i = comma < 0 ? end : comma + 1;
        }
        Long ackId = null;
        int idStart = i;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            i++;
        }
        if (i > idStart) {
            if (i - idStart > 18) {
                return new Bad("an acknowledgement id of " + (i - idStart) + " digits");
            }
            ackId = Long.parseLong(s, idStart, i, 10);
        }
        JsonNode payload = null;
        if (i < s.length()) {
            if (!(JsonText.parse(s.substring(i)) instanceof JsonText.Ok ok)) {
                return new Bad("the payload of a " + type + " packet is not JSON");
            }
            payload = ok.tree();
        }
        String problem = payloadProblem(type, payload);
        if (problem != null) {
            return new Bad(problem);
        }
        return new Ok(new SocketPacket(type, attachments, namespace, ackId, payload, i));
    }

    /** What socket.io-parser's isPayloadValid refuses. */
    private static String payloadProblem(SocketPacket.Type type, JsonNode payload) {
        return switch (type) {
            case CONNECT -> payload == null || payload.isObject() ? null : "a CONNECT payload is an object";
            case DISCONNECT -> payload == null ? null : "a DISCONNECT has no payload";
            case CONNECT_ERROR -> payload != null && (payload.isObject() || payload.isTextual()) ? null
                    : "a CONNECT_ERROR payload is an object or a string";
            case EVENT, BINARY_EVENT -> payload != null && payload.isArray() && !payload.isEmpty()
                    && (payload.get(0).isTextual() || payload.get(0).isNumber()) ? null
                    : "an EVENT payload is an array that starts with the event name";
            case ACK, BINARY_ACK -> payload != null && payload.isArray() ? null : "an ACK payload is an array";
        };
    }

    private static boolean digits(String s, int from, int to) {
        for (int k = from; k < to; k++) {
            if (s.charAt(k) < '0' || s.charAt(k) > '9') {
                return false;
            }
        }
        return true;
    }
}
