package dev.sockscope.proxy.tap;

import dev.sockscope.wire.ClosedBy;
import dev.sockscope.wire.SessionEnd;

/**
 * How a session is ending, as both relays record it: the first close or fault decides who closed and with which
 * code; the first account of a fault is the error. Not thread-safe: each relay calls it under its session's lock.
 */
public final class SessionEnding {
    private ClosedBy closedBy;
    private Integer closeCode;
    private String closeReason;
    private String error;

    /** Notes a close or fault; only the first one sets who closed, code and reason, only the first {@code why} counts. */
    public void note(ClosedBy by, Integer code, String reason, String why) {
        if (closedBy == null) {
            closedBy = by;
            closeCode = code;
            closeReason = reason;
        }
        if (why != null && error == null) {
            error = why;
        }
    }

    /** Whether anything decided the ending yet. */
    public boolean decided() {
        return closedBy != null;
    }

    public SessionEnd at(long endedAtMicros) {
        return new SessionEnd(endedAtMicros, closeCode, closeReason, closedBy, error);
    }
}
