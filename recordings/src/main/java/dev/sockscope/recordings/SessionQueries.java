package dev.sockscope.recordings;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.sockscope.wire.ClosedBy;
import dev.sockscope.wire.Handshake;
import dev.sockscope.wire.Header;
import dev.sockscope.wire.SessionEnd;
import dev.sockscope.wire.SessionInfo;

/** The sessions of a store, read with plain SQL that H2 and PostgreSQL both run (differences in {@link Dialect}). */
final class SessionQueries {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Frame counts from the small index rows when the session has them (COALESCE stops at the first value); the
     * traffic each way in one pass over them: client frames, client bytes, server frames, server bytes, rows, rows counted.
     */
    private static final String SELECT_SESSIONS = """
            SELECT s.*, COALESCE((SELECT SUM(i.frame_count) FROM block_index i WHERE i.session_id = s.id),
                                 (SELECT SUM(b.frame_count) FROM frame_blocks b WHERE b.session_id = s.id), 0) AS frame_count,
                   (SELECT ARRAY[SUM(i.client_frames), SUM(i.client_bytes), SUM(i.server_frames), SUM(i.server_bytes),
                                 COUNT(*), COUNT(i.client_frames)]
                    FROM block_index i WHERE i.session_id = s.id) AS traffic,
                   (SELECT MIN(r.original_id) FROM replays r WHERE r.replay_id = s.id) AS replay_of
            FROM sessions s""";

    private final DataSource source;
    private final Dialect dialect;
    private final String storeName;
    private final ReadFailure failure;

    SessionQueries(DataSource source, Dialect dialect, String storeName, ReadFailure failure) {
        this.source = source;
        this.dialect = dialect;
        this.storeName = storeName;
        this.failure = failure;
    }

    List<SessionRecord> sessions(int limit) throws RecordingException {
        return query(SELECT_SESSIONS + " ORDER BY s.started_at DESC, s.id DESC LIMIT ?", limit);
    }

    Optional<SessionRecord> session(long id) throws RecordingException {
        return query(SELECT_SESSIONS + " WHERE s.id = ?", id).stream().findFirst();
    }

    SessionPage sessions(SessionQuery q) throws RecordingException {
        StringBuilder sql = new StringBuilder(SELECT_SESSIONS).append(" WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        if (q.beforeId() != null) {
            sql.append(" AND s.id < ?");
            args.add(q.beforeId());
        }
        if (q.protocol() != null) {
            sql.append(" AND ").append(dialect.contains("s.protocol"));
            args.add(q.protocol());
        }
        if (q.open() != null) {
            sql.append(q.open() ? " AND s.ended_at IS NULL" : " AND s.ended_at IS NOT NULL");
        }
        if (q.errorsOnly()) {
            sql.append(" AND (s.error IS NOT NULL OR s.handshake_status <> 101 OR s.close_code NOT IN ")
                    .append(SessionQuery.CLEAN_CLOSE_CODES).append(")");
        }
        if (q.proxy() != null && !q.proxy().isEmpty()) {
            if (dialect.recordsProxies()) {
                sql.append(" AND ").append(dialect.contains("CONCAT_WS(' ', s.proxy_name, s.proxy_host)"));
                args.add(q.proxy());
            } else {
                sql.append(" AND 1 = 0"); // a folder records no proxy
            }
        }
        if (q.starredOnly()) {
            sql.append(" AND s.starred_at IS NOT NULL");
        }
        if (q.text() != null && !q.text().isEmpty()) {
            sql.append(" AND ").append(dialect.contains("CONCAT_WS(' ', s.listen, s.upstream, s.path, s.query,"
                    + " s.client_address, s.subprotocol, s.protocol, s.close_reason, s.error)"));
            args.add(q.text());
        }
        sql.append(" ORDER BY s.id DESC LIMIT ?");
        args.add(q.limit() + 1);
        List<SessionRecord> out = query(sql.toString(), args.toArray());
        boolean more = out.size() > q.limit();
        List<SessionRecord> page = more ? out.subList(0, q.limit()) : out;
        return new SessionPage(List.copyOf(page), more ? page.get(page.size() - 1).id() : null);
    }

    Optional<Long> replayOf(long sessionId) throws RecordingException {
        List<Long> ids = ids("SELECT original_id FROM replays WHERE replay_id = ?", sessionId);
        return ids.isEmpty() ? Optional.empty() : Optional.of(ids.get(0));
    }

    List<Long> replaysOf(long sessionId) throws RecordingException {
        return ids("SELECT replay_id FROM replays WHERE original_id = ? ORDER BY replay_id", sessionId);
    }

    private List<Long> ids(String sql, long sessionId) throws RecordingException {
        try (Connection c = source.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, sessionId);
            List<Long> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getLong(1));
                }
            }
            return out;
        } catch (SQLException e) {
            throw failure.of("cannot read the replays of session " + sessionId, e);
        }
    }

    private List<SessionRecord> query(String sql, Object... args) throws RecordingException {
        try (Connection c = source.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            List<SessionRecord> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(readSession(rs, dialect));
                }
            }
            return out;
        } catch (SQLException e) {
            throw failure.of("cannot read sessions from " + storeName, e);
        }
    }

    private static SessionRecord readSession(ResultSet rs, Dialect dialect) throws SQLException {
        String extensions = rs.getString("extensions");
        Handshake h = new Handshake(rs.getString("path"), rs.getString("query"),
                headersFromJson(rs.getString("request_headers")), rs.getInt("handshake_status"),
                headersFromJson(rs.getString("response_headers")), rs.getString("subprotocol"),
                extensions == null ? List.of() : List.of(extensions.split(", ")));
        SessionInfo info = new SessionInfo(rs.getLong("id"), rs.getString("listen"), rs.getString("upstream"),
                rs.getString("client_address"), h, rs.getLong("started_at"));
        long endedAt = rs.getLong("ended_at");
        SessionEnd end = null;
        if (!rs.wasNull()) {
            int code = rs.getInt("close_code");
            Integer closeCode = rs.wasNull() ? null : code;
            end = new SessionEnd(endedAt, closeCode, rs.getString("close_reason"),
                    ClosedBy.fromLabel(rs.getString("closed_by")), rs.getString("error"));
        }
        long original = rs.getLong("replay_of");
        Long replayOf = rs.wasNull() ? null : original;
        return new SessionRecord(info, end, rs.getLong("frame_count"), rs.getString("protocol"), rs.getString("protocol_reason"),
                rs.getString("handshake_decoded"), unanswered(rs.getString("unanswered")), traffic(rs), replayOf,
                recordedBy(rs, dialect), starred(rs));
    }

    /** Whether the session is starred; false in a folder whose schema predates stars (read through an older proxy). */
    private static boolean starred(ResultSet rs) throws SQLException {
        try {
            rs.findColumn("starred_at");
        } catch (SQLException e) {
            return false;
        }
        rs.getLong("starred_at");
        return !rs.wasNull();
    }

    private static SessionRecord.RecordedBy recordedBy(ResultSet rs, Dialect dialect) throws SQLException {
        if (!dialect.recordsProxies()) {
            return null;
        }
        String host = rs.getString("proxy_host");
        String name = rs.getString("proxy_name");
        return host == null && name == null ? null : new SessionRecord.RecordedBy(host, name);
    }

    /** The requests a session ended without answering, from their JSON array; null when not known. */
    static List<Long> unanswered(String json) throws SQLException {
        if (json == null) {
            return null;
        }
        try {
            return List.of(JSON.readValue(json, Long[].class));
        } catch (JsonProcessingException e) {
            throw new SQLException("stored unanswered requests are not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** Frames and bytes each way, when every index row of the session counted them (a session with no frames: zero). */
    private static Traffic traffic(ResultSet rs) throws SQLException {
        java.sql.Array array = rs.getArray("traffic");
        Object[] t = (Object[]) array.getArray();
        long rows = number(t[4]);
        if (rows != number(t[5]) || (rows == 0 && rs.getLong("frame_count") > 0)) {
            return null; // indexed before the counts, or recorded before the index
        }
        return new Traffic(number(t[0]), number(t[1]), number(t[2]), number(t[3]));
    }

    private static long number(Object sqlNumber) {
        return sqlNumber == null ? 0 : ((Number) sqlNumber).longValue();
    }

    static List<Header> headersFromJson(String json) throws SQLException {
        try {
            String[][] pairs = JSON.readValue(json, String[][].class);
            List<Header> out = new ArrayList<>(pairs.length);
            for (String[] p : pairs) {
                out.add(new Header(p[0], p[1]));
            }
            return out;
        } catch (JsonProcessingException e) {
            throw new SQLException("stored headers are not valid JSON: " + e.getOriginalMessage(), e);
        }
    }
}
