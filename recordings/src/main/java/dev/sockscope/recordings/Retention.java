package dev.sockscope.recordings;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Applies a team store's {@link RetentionPolicy}, kept in {@code store_settings} so every writer applies the same one:
 * first ended sessions older than its days (by when they ended, on the database's clock), then, while the store's
 * recorded bytes are over its size, the oldest ended sessions. Never a starred session, nor one a replay refers to.
 * <p>
 * A store's recorded bytes are its frame blocks' and large payloads' bytes as stored (frames as recorded, compressed
 * blocks compressed), open sessions included; not the index rows, nor PostgreSQL's own overhead (indexes, dead rows
 * until vacuumed), so the database's files are larger than this.
 */
final class Retention {
    static final String DAYS = "retention_days";
    static final String BYTES = "retention_bytes";
    /** The advisory lock key that serialises appliers of one store (its database): "sockscope retention". */
    static final long APPLIER_LOCK = 0x736f636b5f726574L;
    /** Sessions deleted per transaction, so a first run over a large store does not hold locks for long. */
    private static final int CHUNK = 500;
    private static final String KEEPS = "s.starred_at IS NULL AND NOT EXISTS (SELECT 1 FROM replays r WHERE r.original_id = s.id)";
    private static final String EXPIRED = "SELECT s.id, 0 FROM sessions s WHERE s.ended_at IS NOT NULL AND s.ended_at < ? AND "
            + KEEPS + " ORDER BY s.id LIMIT ? FOR UPDATE SKIP LOCKED";
    private static final String BLOCK_BYTES = "COALESCE(SUM(COALESCE(OCTET_LENGTH(b.data), 0) + COALESCE(OCTET_LENGTH(b.data_lob), 0)), 0)";
    private static final String PAYLOAD_BYTES = "COALESCE(SUM(OCTET_LENGTH(p.data)), 0)";
    private static final String OLDEST = "SELECT s.id, (SELECT " + BLOCK_BYTES + " FROM frame_blocks b WHERE b.session_id = s.id)"
            + " + (SELECT " + PAYLOAD_BYTES + " FROM large_payloads p WHERE p.session_id = s.id), s.ended_at"
            + " FROM sessions s WHERE s.ended_at IS NOT NULL AND " + KEEPS
            + " ORDER BY s.ended_at, s.id LIMIT ? FOR UPDATE SKIP LOCKED";
    private static final String STORE_BYTES = "SELECT (SELECT " + BLOCK_BYTES + " FROM frame_blocks b)"
            + " + (SELECT " + PAYLOAD_BYTES + " FROM large_payloads p)";
    private static final String KEPT = """
            SELECT COUNT(*) FILTER (WHERE s.starred_at IS NOT NULL),
                   COUNT(*) FILTER (WHERE s.starred_at IS NULL AND EXISTS (SELECT 1 FROM replays r WHERE r.original_id = s.id))
            FROM sessions s WHERE s.ended_at IS NOT NULL AND s.ended_at <= ?""";
    private static final List<String> DELETES = List.of("DELETE FROM block_index WHERE session_id = ANY (?)",
            "DELETE FROM frame_blocks WHERE session_id = ANY (?)", "DELETE FROM large_payloads WHERE session_id = ANY (?)",
            "DELETE FROM replays WHERE replay_id = ANY (?)", "DELETE FROM sessions WHERE id = ANY (?)");

    private Retention() {
    }

    static RetentionPolicy policy(Connection c) throws SQLException {
        Integer days = null;
        Long bytes = null;
        try (PreparedStatement ps = c.prepareStatement("SELECT name, value FROM store_settings WHERE name IN (?, ?)")) {
            ps.setString(1, DAYS);
            ps.setString(2, BYTES);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (rs.getString(1).equals(DAYS)) {
                        days = Integer.parseInt(rs.getString(2).trim());
                    } else {
                        bytes = Long.parseLong(rs.getString(2).trim());
                    }
                }
            }
        }
        return new RetentionPolicy(days, bytes);
    }

    /** Replaces the policy, in one transaction. {@code c} is in auto-commit mode. */
    static void set(Connection c, RetentionPolicy policy) throws SQLException {
        c.setAutoCommit(false);
        try {
            setting(c, DAYS, policy.keepDays());
            setting(c, BYTES, policy.keepBytes());
            c.commit();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    private static void setting(Connection c, String name, Number value) throws SQLException {
        if (value == null) {
            DatabaseRows.update(c, "DELETE FROM store_settings WHERE name = ?", name);
        } else {
            DatabaseRows.update(c, """
                    INSERT INTO store_settings (name, value) VALUES (?, ?)
                    ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value""", name, String.valueOf(value));
        }
    }

    /** Deletes what the policy lets go and says what it did. {@code c} is in auto-commit mode. */
    /**
     * Applies the policy, one applier at a time store-wide (a PostgreSQL advisory lock held for the whole run): two
     * appliers at once (two proxies, or a proxy's round beside {@code sockscope retention}) each measured the store before
     * the other deleted and, between them, deleted more than the size asked (a test saw all 4 sessions go where 2 were
     * to). With {@code wait}, the second waits and then measures what the first left; without, it skips this round
     * (null): the other is applying the same policy. {@code c} is in auto-commit mode.
     */
    static RetentionOutcome apply(Connection c, boolean wait) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(wait ? "SELECT pg_advisory_lock(?)" : "SELECT pg_try_advisory_lock(?)")) {
            ps.setLong(1, APPLIER_LOCK);
            try (ResultSet rs = ps.executeQuery()) {
                if (!wait && !(rs.next() && rs.getBoolean(1))) {
                    return null;
                }
            }
        }
        SQLException failed = null;
        try {
            return applyAlone(c);
        } catch (SQLException e) {
            failed = e;
            throw e;
        } finally {
            unlock(c, failed);
        }
    }

    /**
     * Lets go of the applier lock. A session's advisory lock outlives its transactions and its return to the pool: one
     * that cannot be let go (a broken connection, whose session PostgreSQL then ends, lock and all) is said in the log.
     */
    private static void unlock(Connection c, SQLException failed) throws SQLException {
        try {
            if (!c.getAutoCommit()) {
                c.rollback();
                c.setAutoCommit(true);
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_unlock(?)")) {
                ps.setLong(1, APPLIER_LOCK);
                ps.execute();
            }
        } catch (SQLException e) {
            org.slf4j.LoggerFactory.getLogger(Retention.class).warn("cannot let go of the retention lock ({}): other"
                    + " appliers wait until this connection ends", e.getMessage());
            if (failed != null) {
                failed.addSuppressed(e);
            } else {
                throw e;
            }
        }
    }

    private static RetentionOutcome applyAlone(Connection c) throws SQLException {
        RetentionPolicy policy = policy(c);
        if (policy.keepsAll()) {
            return RetentionOutcome.NOTHING;
        }
        long now;
        try (PreparedStatement ps = c.prepareStatement("SELECT CAST(EXTRACT(EPOCH FROM now()) * 1000000 AS BIGINT)");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            now = rs.getLong(1);
        }
        long reach = Long.MIN_VALUE; // the ended sessions the policy reached: ended at or before this
        int byAge = 0;
        if (policy.keepDays() != null) {
            long cutoff = now - policy.keepDays() * 86_400_000_000L;
            reach = cutoff - 1;
            while (true) {
                List<long[]> expired = select(c, EXPIRED, cutoff);
                if (expired.isEmpty()) {
                    break;
                }
                byAge += delete(c, expired.stream().map(r -> r[0]).toList());
            }
        }
        int bySize = 0;
        long freed = 0;
        Long storeBytes = null;
        if (policy.keepBytes() != null) {
            long total = storeBytes(c);
            while (total - freed > policy.keepBytes()) {
                List<long[]> oldest = select(c, OLDEST, null);
                if (oldest.isEmpty()) {
                    reach = Long.MAX_VALUE; // every ended session reached: those left are kept
                    break;
                }
                List<Long> ids = new ArrayList<>();
                for (long[] row : oldest) {
                    if (total - freed <= policy.keepBytes()) {
                        break;
                    }
                    ids.add(row[0]);
                    freed += row[1];
                    reach = Math.max(reach, row[2]);
                }
                bySize += delete(c, ids);
            }
            storeBytes = total - freed;
        }
        int[] kept = kept(c, reach);
        return new RetentionOutcome(byAge, bySize, freed, kept[0], kept[1], storeBytes);
    }

    /** The store's recorded bytes (see the class's comment). */
    static long storeBytes(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(STORE_BYTES); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Rows of up to {@link #CHUNK} sessions (id, bytes, ended at), locked until {@link #delete} commits. */
    private static List<long[]> select(Connection c, String sql, Long cutoff) throws SQLException {
        c.setAutoCommit(false);
        List<long[]> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            if (cutoff != null) {
                ps.setLong(i++, cutoff);
            }
            ps.setInt(i, CHUNK);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new long[] {rs.getLong(1), rs.getLong(2), cutoff == null ? rs.getLong(3) : 0});
                }
            }
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            c.setAutoCommit(true);
            throw e;
        }
        if (out.isEmpty()) {
            c.commit();
            c.setAutoCommit(true);
        }
        return out;
    }

    /** Deletes the sessions {@link #select} locked and commits; returns how many. */
    private static int delete(Connection c, List<Long> ids) throws SQLException {
        try {
            java.sql.Array array = c.createArrayOf("bigint", ids.toArray());
            for (String sql : DELETES) {
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    ps.setArray(1, array);
                    ps.executeUpdate();
                }
            }
            c.commit();
            return ids.size();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    /** Ended sessions at or before {@code reach} kept because starred, and (not starred) because a replay refers to them. */
    private static int[] kept(Connection c, long reach) throws SQLException {
        if (reach == Long.MIN_VALUE) {
            return new int[2];
        }
        try (PreparedStatement ps = c.prepareStatement(KEPT)) {
            ps.setLong(1, reach);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new int[] {rs.getInt(1), rs.getInt(2)};
            }
        }
    }
}
