package dev.sockscope.recordings;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.sockscope.wire.ClosedBy;
import dev.sockscope.wire.SessionEnd;

/**
 * Sessions of an H2 folder that a recording process left open and can no longer close, because it is gone (killed
 * with {@code kill -9}, crashed, powered off), told by its pid and start time (one machine: a pid means something).
 */
final class OrphanedSessions {
    private static final Logger LOG = LoggerFactory.getLogger(OrphanedSessions.class);

    private OrphanedSessions() {
    }

    /**
     * Ends them now, by the proxy, with an error that says so, at the time of their last frame. Only the writer does
     * this, while it holds the file exclusively (a proxy, or a reader that caught the index up alone); a session whose recording process is still alive (the same pid,
     * started at the same time) is left alone.
     */
    static void end(Connection writer) throws SQLException {
        String sql = """
                SELECT s.id, s.started_at, s.recorder_pid, s.recorder_started_at,
                       (SELECT MAX(b.last_time_us) FROM frame_blocks b WHERE b.session_id = s.id) AS last_frame
                FROM sessions s WHERE s.ended_at IS NULL""";
        List<JournalEntry> ends = new ArrayList<>();
        try (PreparedStatement ps = writer.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                long id = rs.getLong(1);
                long started = rs.getLong(2);
                long pid = rs.getLong(3);
                Long pidOrNull = rs.wasNull() ? null : pid;
                long processStarted = rs.getLong(4);
                Long processStartedOrNull = rs.wasNull() ? null : processStarted;
                long lastFrame = rs.getLong(5);
                long endedAt = rs.wasNull() ? started : Math.max(started, lastFrame);
                if (pidOrNull != null && stillAlive(pidOrNull, processStartedOrNull)) {
                    continue;
                }
                String who = pidOrNull == null ? "the recording process" : "the recording process (pid " + pidOrNull + ")";
                ends.add(IndexWriter.end(id, new SessionEnd(endedAt, null, null, ClosedBy.PROXY,
                        who + " ended without closing this session (killed or crashed)")));
            }
        }
        for (JournalEntry end : ends) {
            IndexWriter.apply(writer, end, 0);
        }
        writer.commit();
        if (!ends.isEmpty()) {
            LOG.info("marked {} sessions left open by a recording process that is gone as ended", ends.size());
        }
    }

    static boolean stillAlive(long pid, Long processStarted) {
        Optional<ProcessHandle> p = ProcessHandle.of(pid);
        if (p.isEmpty() || !p.get().isAlive()) {
            return false;
        }
        Optional<java.time.Instant> started = p.get().info().startInstant();
        // A recycled pid is another process: its start time differs (by more than the clock's resolution).
        return processStarted == null || started.isEmpty() || Math.abs(started.get().toEpochMilli() - processStarted) < 1000;
    }
}
