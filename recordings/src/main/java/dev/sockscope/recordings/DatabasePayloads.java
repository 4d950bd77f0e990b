package dev.sockscope.recordings;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

/**
 * Large payloads of a team store, in its {@code large_payloads} table instead of a folder's files: a block points at
 * one by (session, offset) either way. The writer's appends wait in memory until {@link #insert} writes them in the
 * batch's transaction, so a batch rolled back leaves none behind. Offsets count from 0 per session: a session is
 * recorded by one writer only.
 */
final class DatabasePayloads extends PayloadFiles {
    private final DataSource source;
    private final Map<Long, Long> ends = new HashMap<>();
    private final List<Pending> pending = new ArrayList<>();

    private record Pending(long sessionId, long offset, byte[] data) {
    }

    DatabasePayloads(DataSource source) {
        super(Path.of("database")); // no folder: every method that would touch one is overridden
        this.source = source;
    }

    @Override
    long append(long sessionId, byte[] payload) {
        long offset = ends.getOrDefault(sessionId, 0L);
        ends.put(sessionId, offset + payload.length);
        pending.add(new Pending(sessionId, offset, payload.clone()));
        return offset;
    }

    /** Writes the batch's payloads through the batch's connection (its transaction). */
    void insert(Connection c) throws SQLException {
        if (pending.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO large_payloads (session_id, start_offset, data) VALUES (?, ?, ?)")) {
            for (Pending p : pending) {
                ps.setLong(1, p.sessionId());
                ps.setLong(2, p.offset());
                ps.setBytes(3, p.data());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    @Override
    void committed() {
        pending.clear();
    }

    /** The batch was rolled back: its payloads go, and offsets count on from where they were. */
    @Override
    void rolledBack() {
        for (Pending p : pending) {
            ends.merge(p.sessionId(), p.offset(), Math::min);
        }
        pending.clear();
    }

    @Override
    byte[] read(long sessionId, long offset, int length) throws IOException {
        try (Connection c = source.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT data FROM large_payloads WHERE session_id = ? AND start_offset = ?")) {
            ps.setLong(1, sessionId);
            ps.setLong(2, offset);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IOException("the large payload at " + offset + " of session " + sessionId + " is missing");
                }
                byte[] data = rs.getBytes(1);
                if (data.length != length) {
                    throw new IOException("the large payload at " + offset + " of session " + sessionId + " holds "
                            + data.length + " bytes, not " + length);
                }
                return data;
            }
        } catch (SQLException e) {
            throw new IOException("cannot read a large payload of session " + sessionId + ": " + e.getMessage(), e);
        }
    }

    /** Kept: a late event of an ended session must not reuse an offset (only sessions with large payloads have one). */
    @Override
    void forget(long sessionId) {
    }

    @Override
    void delete(long sessionId) {
        ends.remove(sessionId); // the rows go with the session's, in the delete's transaction
    }

    @Override
    public void close() {
        pending.clear();
    }
}
