package dev.sockscope.decode.signalr;

/** The message types of the hub protocol, by their {@code type} number. */
enum HubMessage {
    INVOCATION(1, "Invocation"), STREAM_ITEM(2, "StreamItem"), COMPLETION(3, "Completion"), STREAM_INVOCATION(4, "StreamInvocation"),
    CANCEL_INVOCATION(5, "CancelInvocation"), PING(6, "Ping"), CLOSE(7, "Close"), ACK(8, "Ack"), SEQUENCE(9, "Sequence");

    final int number;
    final String title;

    HubMessage(int number, String title) {
        this.number = number;
        this.title = title;
    }

    /** The type a number stands for, or null. */
    static HubMessage of(int number) {
        for (HubMessage m : values()) {
            if (m.number == number) {
                return m;
            }
        }
        return null;
    }
}
