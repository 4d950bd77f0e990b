package dev.sockscope.recordings;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * Entries become rows of a team store: as {@link IndexWriter#apply} writes them into a folder's index, except that a
 * block's bytes go in its row (a team store has no recording files), a replay link is an upsert PostgreSQL runs, and a
 * new session says which recorder and proxy recorded it.
 */
final class DatabaseRows {
    private static final String INSERT_BLOCK = """
            INSERT INTO frame_blocks (session_id, first_seq, last_seq, frame_count, first_time_us, last_time_us, data, data_lob, compression)
            VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?)""";
    private static final String INSERT_INDEX = """
            INSERT INTO block_index (session_id, first_seq, last_seq, frame_count, first_time_us, last_time_us,
                directions, types, kinds, warned, labels, entries, client_frames, client_bytes, server_frames, server_bytes, grams)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";
    static final String LINK_REPLAY = """
            INSERT INTO replays (replay_id, original_id) VALUES (?, ?)
            ON CONFLICT (replay_id) DO UPDATE SET original_id = EXCLUDED.original_id""";
    private static final String SET_RECORDER = "UPDATE sessions SET recorder_id = ?, proxy_host = ?, proxy_name = ? WHERE id = ?";

    private DatabaseRows() {
    }

    static void apply(Connection c, JournalEntry e, RecorderLease recorder) throws SQLException {
        List<Object> v = e.values();
        long id = e.sessionId();
        switch (e.kind()) {
            case BLOCK -> {
                update(c, INSERT_BLOCK, id, v.get(0), v.get(1), v.get(2), v.get(3), v.get(4), v.get(19), v.get(5));
                update(c, INSERT_INDEX, id, v.get(0), v.get(1), v.get(2), v.get(6), v.get(7), v.get(8), v.get(9), v.get(10),
                        v.get(11), v.get(12), v.get(13), v.get(14), v.get(15), v.get(16), v.get(17), v.get(18));
            }
            case REPLAY -> update(c, LINK_REPLAY, id, v.get(0));
            case SESSION -> {
                IndexWriter.apply(c, e, 0);
                update(c, SET_RECORDER, recorder.id(), recorder.host(), recorder.name(), id);
            }
            default -> IndexWriter.apply(c, e, 0);
        }
    }

    static void update(Connection c, String sql, Object... values) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                if (values[i] instanceof byte[] bytes) {
                    ps.setBytes(i + 1, bytes);
                } else if (values[i] == null) {
                    ps.setNull(i + 1, java.sql.Types.NULL);
                } else {
                    ps.setObject(i + 1, values[i]);
                }
            }
            ps.executeUpdate();
        }
    }
}
