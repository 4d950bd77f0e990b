package dev.sockscope.recordings;

import dev.sockscope.wire.Direction;

/** Frames and payload bytes of a session each way: client to server, and server to client. */
public record Traffic(long clientFrames, long clientBytes, long serverFrames, long serverBytes) {
    public static final Traffic NONE = new Traffic(0, 0, 0, 0);

    /** This traffic and one more frame of {@code bytes}. */
    public Traffic plus(Direction from, long bytes) {
        return from == Direction.CLIENT_TO_SERVER
                ? new Traffic(clientFrames + 1, clientBytes + bytes, serverFrames, serverBytes)
                : new Traffic(clientFrames, clientBytes, serverFrames + 1, serverBytes + bytes);
    }
}
