package dev.sockscope.recordings;

import dev.sockscope.wire.SessionEnd;
import dev.sockscope.wire.SessionInfo;

/**
 * A stored session: what was known when it opened, how it ended (null while open) and how many frames it holds.
 */
public record SessionRecord(SessionInfo info, SessionEnd end, long frames) {
    public long id() {
        return info.id();
    }

    public boolean isOpen() {
        return end == null;
    }
}
