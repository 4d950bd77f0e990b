package dev.sockscope.recordings;

/**
 * A page of sessions, newest first: those with an id below {@code beforeId} (null: from the newest), decoded as
 * {@code protocol}, whose addresses, path, query, protocol, close reason or error contain {@code text} (any case),
 * open or ended ({@code open} null: both), with an error only if {@code errorsOnly}.
 */
public record SessionQuery(int limit, Long beforeId, String protocol, String text, Boolean open, boolean errorsOnly) {
    public static final int MAX_LIMIT = 1000;

    public SessionQuery {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT);
        }
    }

    public static SessionQuery newest(int limit) {
        return new SessionQuery(limit, null, null, null, null, false);
    }
}
