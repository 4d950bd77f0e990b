package dev.sockscope.recordings;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A team store's retention policy: ended sessions older than {@code keep_days} (by when they ended, on the database's
 * clock) are deleted, except starred sessions and sessions a replay refers to. Kept in {@code store_settings} so every
 * writer applies the same policy; none means keep everything.
 */
final class Retention {
    static final String SETTING = "retention_days";
    /** Sessions deleted per transaction, so a first run over a large store does not hold locks for long. */
    private static final int CHUNK = 500;
    private static final String EXPIRED = """
            SELECT s.id FROM sessions s
            WHERE s.ended_at IS NOT NULL
              AND s.ended_at < CAST(EXTRACT(EPOCH FROM now()) * 1000000 AS BIGINT) - ?
              AND s.starred_at IS NULL
              AND NOT EXISTS (SELECT 1 FROM replays r WHERE r.original_id = s.id)
            ORDER BY s.id LIMIT ? FOR UPDATE SKIP LOCKED""";
    private static final List<String> DELETES = List.of("DELETE FROM block_index WHERE session_id = ANY (?)",
            "DELETE FROM frame_blocks WHERE session_id = ANY (?)", "DELETE FROM large_payloads WHERE session_id = ANY (?)",
            "DELETE FROM replays WHERE replay_id = ANY (?)", "DELETE FROM sessions WHERE id = ANY (?)");

    private Retention() {
    }

    static Optional<Integer> days(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT value FROM store_settings WHERE name = ?")) {
            ps.setString(1, SETTING);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(Integer.parseInt(rs.getString(1).trim())) : Optional.empty();
            }
        }
    }

    /** Sets the policy ({@code days} null: keep everything). */
    static void setDays(Connection c, Integer days) throws SQLException {
        if (days == null) {
            DatabaseRows.update(c, "DELETE FROM store_settings WHERE name = ?", SETTING);
        } else {
            DatabaseRows.update(c, """
                    INSERT INTO store_settings (name, value) VALUES (?, ?)
                    ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value""", SETTING, String.valueOf(days));
        }
    }

    /** Deletes what the policy lets go; returns how many sessions. {@code c} is in auto-commit mode. */
    static int apply(Connection c) throws SQLException {
        Optional<Integer> days = days(c);
        if (days.isEmpty()) {
            return 0;
        }
        long keepMicros = days.get() * 86_400_000_000L;
        int deleted = 0;
        c.setAutoCommit(false);
        try {
            while (true) {
                List<Long> ids = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement(EXPIRED)) {
                    ps.setLong(1, keepMicros);
                    ps.setInt(2, CHUNK);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            ids.add(rs.getLong(1));
                        }
                    }
                }
                if (ids.isEmpty()) {
                    c.commit();
                    return deleted;
                }
                java.sql.Array array = c.createArrayOf("bigint", ids.toArray());
                for (String sql : DELETES) {
                    try (PreparedStatement ps = c.prepareStatement(sql)) {
                        ps.setArray(1, array);
                        ps.executeUpdate();
                    }
                }
                c.commit();
                deleted += ids.size();
            }
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }
}
