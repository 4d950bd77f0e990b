package dev.sockscope.recordings;

/**
 * A page of a session's frames: those matching {@code filter} right after seq {@code after}, or (when {@code before}
 * is set) right before seq {@code before}, at most {@code limit}, always in ascending seq order.
 */
public record FrameQuery(FrameFilter filter, long after, Long before, int limit) {
    public static final int MAX_LIMIT = 10_000;

    public FrameQuery {
        filter = filter == null ? FrameFilter.ALL : filter;
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT);
        }
        if (after < 0) {
            throw new IllegalArgumentException("after must not be negative");
        }
    }

    public static FrameQuery after(long seq, int limit) {
        return new FrameQuery(FrameFilter.ALL, seq, null, limit);
    }

    public boolean backwards() {
        return before != null;
    }
}
