package dev.sockscope.recordings;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the index up to its recording files: what a session's file holds past {@code sessions.journal_end} (a
 * process killed between writing the file and the database writing its commit; a database rebuilt empty) is applied
 * to the index. A record cut short at the end of a file (a crash in the middle of writing it) is cut off; damage
 * before the end is reported and left for {@code sockscope repair}.
 */
final class JournalReplay {
    private static final Logger LOG = LoggerFactory.getLogger(JournalReplay.class);

    private JournalReplay() {
    }

    /** What catching up did: records applied, of them refused by the index, and files found damaged. */
    record Outcome(long applied, long refused, List<String> damaged) {
    }

    /** How much of each session's file the index holds (sessions without a file, recorded before files: absent). */
    static Map<Long, Long> indexed(Connection c) throws SQLException {
        Map<Long, Long> ends = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, journal_end FROM sessions WHERE journal_end IS NOT NULL");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                ends.put(rs.getLong(1), rs.getLong(2));
            }
        }
        return ends;
    }

    /** The recording files of the folder, by session id. */
    static Map<Long, Path> files(Path dir) throws IOException {
        Map<Long, Path> out = new java.util.TreeMap<>();
        Path folder = Journal.folder(dir);
        if (!Files.isDirectory(folder)) {
            return out;
        }
        try (Stream<Path> list = Files.list(folder)) {
            list.forEach(p -> {
                long id = Journal.sessionOf(p);
                if (id >= 0) {
                    out.put(id, p);
                }
            });
        }
        return out;
    }

    /** Whether some file holds more than the index does, or a recorder left sessions open (a reader then asks for a catch-up). */
    static boolean behind(Connection c, Path dir) throws SQLException, IOException {
        if (!leftOpen(c).isEmpty()) {
            return true; // a recorder that ended without closing them: what its index holds of them is not to be trusted
        }
        Map<Long, Long> ends = indexed(c);
        for (Map.Entry<Long, Path> f : files(dir).entrySet()) {
            long size = Files.size(f.getValue());
            if (size > ends.getOrDefault(f.getKey(), 0L) && size > Journal.HEADER) {
                return true;
            }
        }
        return false;
    }

    /**
     * Sessions left open, their recorder gone: their index is
     * built anew from their recording files, whatever it holds. After a kill, H2 has been seen to keep part of its last
     * transactions (once in about 150 kills, a block's summary without its frames), and what it kept of a session that
     * was being written cannot be told from what it lost; the recording files can.
     */
    static List<Long> leftOpen(Connection c) throws SQLException {
        List<Long> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, recorder_pid, recorder_started_at FROM sessions"
                + " WHERE ended_at IS NULL AND journal_end IS NOT NULL");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                long pid = rs.getLong(2);
                boolean noPid = rs.wasNull();
                long started = rs.getLong(3);
                Long startedOrNull = rs.wasNull() ? null : started;
                if (noPid || !OrphanedSessions.stillAlive(pid, startedOrNull)) {
                    out.add(rs.getLong(1));
                }
            }
        }
        return out;
    }

    /** Removes a session's rows from the index, so that its recording file is replayed into it from the start. */
    static void forget(Connection c, long sessionId) throws SQLException {
        for (String sql : List.of("DELETE FROM block_index WHERE session_id = ?", "DELETE FROM frame_blocks WHERE session_id = ?",
                "DELETE FROM replays WHERE replay_id = ?", "DELETE FROM sessions WHERE id = ?")) {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setLong(1, sessionId);
                ps.executeUpdate();
            }
        }
    }

    /** Applies to the index what the files hold past it, committing file by file. */
    static Outcome catchUp(Connection c, Path dir) throws SQLException, IOException {
        return catchUp(c, dir, () -> { });
    }

    /** As {@link #catchUp(Connection, Path)}, telling {@code progressed} of each record applied and each session removed. */
    static Outcome catchUp(Connection c, Path dir, Runnable progressed) throws SQLException, IOException {
        Map<Long, Long> ends = indexed(c);
        Map<Long, Path> files = files(dir);
        for (long id : leftOpen(c)) {
            if (files.containsKey(id)) {
                LOG.info("session {} was being recorded when its recorder ended without closing it: its index is built"
                        + " anew from {}", id, files.get(id));
                forget(c, id);
                ends.remove(id);
                progressed.run();
            }
        }
        c.commit();
        long applied = 0;
        long[] refused = {0};
        List<String> damaged = new ArrayList<>();
        for (Map.Entry<Long, Path> f : files.entrySet()) {
            long id = f.getKey();
            long from = ends.getOrDefault(id, 0L);
            long size = Files.size(f.getValue());
            if (from > size) {
                String why = Journal.damaged(id, size, "it ends at " + size + " bytes, and the index holds " + from);
                LOG.warn("{}", why);
                damaged.add(why);
                continue;
            }
            if (from == size) {
                continue;
            }
            long[] count = {0};
            Journal.Scan scan;
            try {
                scan = Journal.scan(f.getValue(), from, r -> {
                    // A record already indexed (before a kill cut the index's note of how far it had read) is left
                    // out; one refused all the same goes into the index whole or not at all: rolled back to here.
                    java.sql.Savepoint before = c.setSavepoint();
                    try {
                        IndexWriter.applyMissing(c, r.entry(), r.offset());
                        count[0]++;
                        progressed.run();
                    } catch (SQLException e) {
                        c.rollback(before);
                        refused[0]++;
                        LOG.warn("{}: the index refused the {} record at offset {}: {}", f.getValue().getFileName(),
                                r.entry().kind(), r.offset(), e.getMessage());
                    }
                });
            } catch (IOException | SQLException e) {
                throw e;
            } catch (Exception e) {
                throw new IOException(e.getMessage(), e);
            }
            applied += count[0];
            if (scan.goodEnd() > from || from == 0) {
                IndexWriter.setJournalEnd(c, id, scan.goodEnd());
            }
            c.commit();
            if (!scan.clean()) {
                if (scan.torn()) {
                    cutTornTail(f.getValue(), scan);
                } else {
                    String why = Journal.damaged(id, scan.damagedAt(), scan.damage());
                    LOG.warn("{}; the session is read up to there", why);
                    damaged.add(why);
                }
            }
        }
        if (applied > 0) {
            LOG.info("the index of {} caught up with its recording files: {} records added", dir, applied);
        }
        return new Outcome(applied, refused[0], damaged);
    }

    /** A record cut short by a crash holds nothing readable: cut it off, so the file ends with whole records. */
    private static void cutTornTail(Path file, Journal.Scan scan) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(scan.goodEnd());
            LOG.info("{}: cut off {} bytes of a record the recording process did not finish writing (killed or crashed)",
                    file.getFileName(), scan.size() - scan.goodEnd());
        } catch (IOException e) {
            LOG.warn("{}: cannot cut off the unfinished record at offset {}: {}", file.getFileName(), scan.goodEnd(), e.getMessage());
        }
    }
}
