package dev.sockscope.recordings;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

/**
 * What Flyway wrote into a recordings folder about its schema, read with one query instead of starting Flyway: a
 * reader whose folder is at this version's schema needs none of Flyway's work.
 */
final class SchemaHistory {
    /** The schema this version writes: the highest {@code db/migration/V*__*.sql} ({@code SchemaHistoryTest} checks). */
    static final int VERSION = 9;

    private SchemaHistory() {
    }

    /**
     * Whether every migration up to {@link #VERSION}, and none after it, was applied successfully. Anything else (no
     * history, an older or newer schema, a failed migration, a file that cannot be read now) is Flyway's to judge.
     */
    static boolean isCurrent(DataSource data) {
        try (Connection c = data.getConnection(); Statement st = c.createStatement()) {
            // Asked first, so that a new folder's empty database answers without an SQL error (which H2 would trace
            // into sockscope.trace.db).
            try (ResultSet exists = st.executeQuery("SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES"
                    + " WHERE TABLE_NAME = 'flyway_schema_history'")) {
                if (!exists.next() || exists.getInt(1) == 0) {
                    return false;
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT MAX(CAST(\"version\" AS INT)), COUNT(DISTINCT \"version\"),"
                     + " SUM(CASE WHEN \"success\" THEN 0 ELSE 1 END) FROM \"flyway_schema_history\"")) {
                return rs.next() && rs.getInt(1) == VERSION && rs.getInt(2) == VERSION && rs.getInt(3) == 0;
            }
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }
}
