package dev.sockscope.recordings;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.sockscope.wire.ClosedBy;
import dev.sockscope.wire.SessionEnd;

/**
 * A recorder's lease on a team store: a row in {@code recorders} whose heartbeat this process renews every
 * {@link #heartbeat}. A pid means nothing across machines; a lease does: at each heartbeat, every writer ends the open
 * sessions of recorders whose lease ran out ({@code lease} without a heartbeat, by the database's clock), so a proxy
 * killed with {@code kill -9} has its sessions ended within {@code lease + heartbeat}.
 */
final class RecorderLease implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RecorderLease.class);
    static final Duration HEARTBEAT = Duration.ofSeconds(2);
    static final Duration LEASE = Duration.ofSeconds(10);

    private static final String EXPIRED = """
            SELECT s.id, s.started_at, r.host, r.name, r.pid,
                   (SELECT MAX(b.last_time_us) FROM frame_blocks b WHERE b.session_id = s.id) AS last_frame
            FROM sessions s JOIN recorders r ON r.id = s.recorder_id
            WHERE s.ended_at IS NULL AND s.recorder_id <> ?
              AND (r.stopped_at IS NOT NULL OR r.heartbeat_at < now() - make_interval(secs => ?))
            FOR UPDATE OF s SKIP LOCKED""";

    private final DataSource source;
    private final long id;
    private final String host;
    private final String name;
    private final Duration lease;
    private final ScheduledExecutorService beat;

    private RecorderLease(DataSource source, long id, String host, String name, Duration lease) {
        this.source = source;
        this.id = id;
        this.host = host;
        this.name = name;
        this.lease = lease;
        this.beat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sockscope-lease");
            t.setDaemon(true);
            return t;
        });
    }

    /** Takes a lease for this process, ends the sessions of recorders whose lease ran out, and renews it from now on. */
    static RecorderLease take(DataSource source, String host, String name, Duration heartbeat, Duration lease) throws SQLException {
        long id;
        try (Connection c = source.getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO recorders (host, name, pid) VALUES (?, ?, ?) RETURNING id")) {
            ps.setString(1, host);
            ps.setString(2, name);
            ps.setLong(3, ProcessHandle.current().pid());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                id = rs.getLong(1);
            }
        }
        RecorderLease taken = new RecorderLease(source, id, host, name, lease);
        taken.endExpired();
        taken.beat.scheduleWithFixedDelay(taken::renew, heartbeat.toMillis(), heartbeat.toMillis(), TimeUnit.MILLISECONDS);
        return taken;
    }

    long id() {
        return id;
    }

    String host() {
        return host;
    }

    String name() {
        return name;
    }

    private void renew() {
        try (Connection c = source.getConnection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE recorders SET heartbeat_at = now() WHERE id = ?")) {
            ps.setLong(1, id);
            ps.executeUpdate();
        } catch (SQLException e) {
            LOG.warn("cannot renew the recorder lease ({}): {}", id, e.getMessage());
            return;
        }
        endExpired();
    }

    /** Ends the open sessions of recorders whose lease ran out; returns how many. */
    int endExpired() {
        try (Connection c = source.getConnection()) {
            c.setAutoCommit(false);
            List<JournalEntry> ends = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(EXPIRED)) {
                ps.setLong(1, id);
                ps.setDouble(2, lease.toMillis() / 1000.0);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        long started = rs.getLong(2);
                        long lastFrame = rs.getLong(6);
                        long endedAt = rs.wasNull() ? started : Math.max(started, lastFrame);
                        ends.add(IndexWriter.end(rs.getLong(1), new SessionEnd(endedAt, null, null, ClosedBy.PROXY,
                                "the recording proxy " + rs.getString(4) + " (host " + rs.getString(3) + ", pid " + rs.getLong(5)
                                        + ") stopped renewing its lease without closing this session (killed, crashed or cut off)")));
                    }
                }
            }
            for (JournalEntry end : ends) {
                IndexWriter.apply(c, end, 0);
            }
            if (!ends.isEmpty()) {
                PgRecordingStore.notifyReaders(c);
            }
            c.commit();
            if (!ends.isEmpty()) {
                LOG.info("ended {} sessions of recorders whose lease ran out", ends.size());
            }
            return ends.size();
        } catch (SQLException e) {
            LOG.warn("cannot end the sessions of recorders whose lease ran out: {}", e.getMessage());
            return 0;
        }
    }

    /** Stops renewing, as a killed process would (tests of the lease). */
    void abandon() {
        beat.shutdownNow();
    }

    /** Stops renewing and gives the lease up: sessions still open are ended by the next writer's heartbeat. */
    @Override
    public void close() {
        beat.shutdownNow();
        try {
            beat.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Connection c = source.getConnection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE recorders SET stopped_at = now() WHERE id = ?")) {
            ps.setLong(1, id);
            ps.executeUpdate();
        } catch (SQLException e) {
            LOG.warn("cannot give the recorder lease ({}) up: {}", id, e.getMessage());
        }
    }
}
