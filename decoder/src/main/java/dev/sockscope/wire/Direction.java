package dev.sockscope.wire;

/** Which peer sent a frame. The JSON and table name is the sender: "client" or "server". */
public enum Direction {
    CLIENT_TO_SERVER("client"),
    SERVER_TO_CLIENT("server");

    private final String sender;

    Direction(String sender) {
        this.sender = sender;
    }

    /** The sending peer, as written in recordings and output: "client" or "server". */
    public String sender() {
        return sender;
    }

    public Direction reverse() {
        return this == CLIENT_TO_SERVER ? SERVER_TO_CLIENT : CLIENT_TO_SERVER;
    }

    public static Direction fromSender(String sender) {
        for (Direction d : values()) {
            if (d.sender.equals(sender)) {
                return d;
            }
        }
        throw new IllegalArgumentException("not a frame sender: " + sender);
    }
}
