package dev.sockscope.proxy.intercept;

import java.nio.charset.StandardCharsets;

import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;

/**
 * One whole message of one direction as its receiver will read it (unmasked, inflated), offered to the
 * {@link InterceptPoint} once.
 */
public record InterceptedMessage(SessionFacts session, Direction from, FrameType type, byte[] payload) {
    public String text() {
        return new String(payload, StandardCharsets.UTF_8);
    }
}
