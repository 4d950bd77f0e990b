package dev.sockscope.recordings;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * A session's star ({@code sessions.starred_at}), the same SQL on H2 and PostgreSQL: a person's mark that the session
 * matters, so retention keeps it.
 */
final class Stars {
    private Stars() {
    }

    /** Stars ({@code starred}) or unstars a session; false when there is no such session. Does not commit. */
    static boolean set(Connection c, long sessionId, boolean starred) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE sessions SET starred_at = " + (starred ? "COALESCE(starred_at, ?)" : "?") + " WHERE id = ?")) {
            if (starred) {
                ps.setLong(1, System.currentTimeMillis() * 1000);
            } else {
                ps.setNull(1, java.sql.Types.BIGINT);
            }
            ps.setLong(2, sessionId);
            return ps.executeUpdate() > 0;
        }
    }
}
