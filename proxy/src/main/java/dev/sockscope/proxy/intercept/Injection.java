package dev.sockscope.proxy.intercept;

import dev.sockscope.wire.FrameType;

/** Something the user sends into a live session: a message (text, binary, ping, pong), or a close of the session. */
public sealed interface Injection {
    /** A whole message or control frame, sent at a message boundary. */
    record Message(FrameType type, byte[] payload) implements Injection {
        public Message {
            if (type == FrameType.CLOSE) {
                throw new IllegalArgumentException("a close is sent as Injection.Close");
            }
            if (type.isControl() && payload.length > 125) {
                throw new IllegalArgumentException("a " + type.label() + " carries at most 125 bytes, not " + payload.length);
            }
        }
    }

    /** Closes the session: this code and reason to both peers, as the proxy's own close. */
    record Close(int code, String reason) implements Injection {
    }
}
