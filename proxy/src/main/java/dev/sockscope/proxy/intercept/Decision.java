package dev.sockscope.proxy.intercept;

import dev.sockscope.wire.FrameType;

/**
 * What happens to one whole data message of one direction: the typed result of {@link InterceptPoint#decide}, which
 * the relay only carries out. {@link Hold} is temporary: the message waits, and its direction behind it, until the
 * user (or the API) releases it as one of the others.
 */
public sealed interface Decision {
    Forward FORWARD = new Forward();
    Drop DROP = new Drop();

    /** Sent on as it came (byte for byte, while its direction is untouched). */
    record Forward() implements Decision {
    }

    /** Sent with other content instead: the original is recorded beside it. */
    record Replace(byte[] payload, FrameType type) implements Decision {
        public Replace {
            if (type != FrameType.TEXT && type != FrameType.BINARY) {
                throw new IllegalArgumentException("a data message is replaced by text or binary, not " + type.label());
            }
        }
    }

    /** Not sent at all; recorded as dropped. */
    record Drop() implements Decision {
    }

    /** Waits under {@code id} until released; {@code why} says which source held it (e.g. "breakpoint 3"). */
    record Hold(long id, String why) implements Decision {
    }

    /** The proxy closes the session (both sides) with this code and reason instead of sending the message. */
    record Close(int code, String reason) implements Decision {
    }

    /** A hold for a {@link DecisionSource} to return: {@link InterceptPoint} gives it its id. */
    static Hold hold(String why) {
        return new Hold(0, why);
    }
}
