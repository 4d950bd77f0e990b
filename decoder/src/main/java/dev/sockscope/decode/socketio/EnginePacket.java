package dev.sockscope.decode.socketio;

/**
 * One Engine.IO v4 packet as a WebSocket text frame carries it: a type digit and the rest ({@code 0{"sid":…}},
 * {@code 2}, {@code 42["chat"]}). Binary frames are Engine.IO messages without a type.
 *
 * @param type the packet type
 * @param data what follows the type digit
 */
record EnginePacket(Type type, String data) {

    /** The Engine.IO packet types, by their digit. */
    enum Type {
        OPEN("open"), CLOSE("close"), PING("ping"), PONG("pong"), MESSAGE("message"), UPGRADE("upgrade"), NOOP("noop");

        final String label;

        Type(String label) {
            this.label = label;
        }

        /** The type a digit stands for; null for any other character. */
        static Type of(char digit) {
            int i = digit - '0';
            return i >= 0 && i < values().length ? values()[i] : null;
        }
    }

    /** The packet a text frame holds, or null when its first character is not a packet type. */
    static EnginePacket parse(String text) {
        if (text.isEmpty()) {
            return null;
        }
        Type type = Type.of(text.charAt(0));
        return type == null ? null : new EnginePacket(type, text.substring(1));
    }
}
