package dev.sockscope.recordings;

/**
 * A page of sessions, newest first: those with an id below {@code beforeId} (null: from the newest), decoded as a
 * protocol whose name contains {@code protocol} (any case: {@code zavod} finds zavodchat), whose addresses, path,
 * query, protocol, close reason or error contain {@code text} (any case), open or ended ({@code open} null: both),
 * and with {@code errorsOnly} only those that went wrong: an error, a refused upgrade, or a close code other than
 * 1000 (normal), 1001 (going away) and 1005 (no code); with {@code proxy}, only those recorded by a proxy whose name
 * or host contains it (any case; a team store's: a folder records no proxy, so none match); with {@code starredOnly},
 * only starred sessions.
 */
public record SessionQuery(int limit, Long beforeId, String protocol, String text, Boolean open, boolean errorsOnly,
                           String proxy, boolean starredOnly) {
    public static final int MAX_LIMIT = 1000;
    /** The close codes of a session that ended well, as SQL: any other code makes it an error. */
    static final String CLEAN_CLOSE_CODES = "(1000, 1001, 1005)";

    public SessionQuery {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT);
        }
    }

    public SessionQuery(int limit, Long beforeId, String protocol, String text, Boolean open, boolean errorsOnly,
                        String proxy) {
        this(limit, beforeId, protocol, text, open, errorsOnly, proxy, false);
    }

    public SessionQuery(int limit, Long beforeId, String protocol, String text, Boolean open, boolean errorsOnly) {
        this(limit, beforeId, protocol, text, open, errorsOnly, null);
    }

    public static SessionQuery newest(int limit) {
        return new SessionQuery(limit, null, null, null, null, false);
    }
}
