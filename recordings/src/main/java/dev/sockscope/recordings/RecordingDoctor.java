package dev.sockscope.recordings;

import static dev.sockscope.wire.Failures.rootMessage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.h2.jdbcx.JdbcConnectionPool;

/**
 * {@code sockscope check} and {@code sockscope repair}: what in a recordings folder is damaged, where, and what can
 * be saved; then saving it. Recording files are read whole, past their damage ({@link JournalSalvage}); the index is
 * read row by row, so that a damaged page anywhere in it shows.
 */
public final class RecordingDoctor {
    /** H2's "database is read only": a read-only open of a file that H2 would have to write to first. */
    private static final int READ_ONLY = 90097;

    private RecordingDoctor() {
    }

    /** What was found or done, one line per finding, and whether anything is damaged (after a repair: still). */
    public record Report(List<String> lines, boolean damaged) {
    }

    public static Report check(Path directory) throws RecordingException {
        Path dir = existing(directory);
        List<String> lines = new ArrayList<>();
        boolean damaged = false;
        int files = 0;
        for (JournalSalvage.Survey s : surveys(dir)) {
            files++;
            if (s.onlyTornTail()) {
                lines.add(name(s) + ": its last record is cut short at offset " + s.gaps().get(0).offset()
                        + " (the recording process was killed while writing it); the next open cuts it off");
            } else if (s.damaged()) {
                damaged = true;
                lines.add(name(s) + ": " + describe(s) + "; run 'sockscope repair' to keep the " + s.records().size()
                        + " readable records");
            }
        }
        lines.add(files + " recording file" + (files == 1 ? "" : "s") + " in " + Journal.folder(dir) + " read whole"
                + (damaged ? "" : ", none damaged"));
        Optional<LocalServer.Announcement> live = LocalServer.findLive(dir);
        if (live.isPresent()) {
            lines.add("index: held by the running proxy (pid " + live.get().pid() + "); stop it to check the index file");
        } else if (Files.exists(index(dir))) {
            String url = "jdbc:h2:file:" + dir.resolve(H2RecordingStore.FILE_NAME) + ";DB_CLOSE_ON_EXIT=FALSE;ACCESS_MODE_DATA=r";
            JdbcConnectionPool pool = JdbcConnectionPool.create(url, "sa", "");
            try (Connection c = pool.getConnection()) {
                long[] counts = readAll(c);
                boolean behind = JournalReplay.behind(c, dir);
                lines.add("index: " + counts[0] + " sessions, " + counts[1] + " blocks of frames, every row readable"
                        + (behind ? "; behind its recording files (a proxy was killed): the next open catches it up" : ""));
            } catch (SQLException | IOException | RuntimeException | StackOverflowError e) {
                if (e instanceof SQLException sql && sql.getErrorCode() == READ_ONLY) {
                    damaged = true;
                    lines.add("index " + index(dir).getFileName() + ": cannot be read without being written to (" + rootMessage(e)
                            + "): it is damaged or was left mid-write; run 'sockscope repair'");
                } else if (!IndexDamage.looksDamaged(e)) {
                    throw new RecordingException("cannot check the index " + index(dir) + ": " + rootMessage(e), e);
                } else {
                    damaged = true;
                    lines.add("index " + index(dir).getFileName() + ": damaged (" + rootMessage(e) + "); run 'sockscope repair'"
                            + " to build a new one from the recording files");
                }
            } finally {
                pool.dispose();
            }
        } else {
            lines.add("index: none yet; the next open builds it from the recording files");
        }
        return new Report(lines, damaged);
    }

    public static Report repair(Path directory) throws RecordingException {
        Path dir = existing(directory);
        Optional<LocalServer.Announcement> live = LocalServer.findLive(dir);
        if (live.isPresent()) {
            throw new RecordingException("a proxy (pid " + live.get().pid() + ") is recording into " + dir
                    + "; stop it first: repair needs the folder alone", null);
        }
        List<String> lines = new ArrayList<>();
        List<Long> salvaged = new ArrayList<>();
        long stamp = System.currentTimeMillis();
        try {
            for (JournalSalvage.Survey s : surveys(dir)) {
                if (s.damaged() && !s.onlyTornTail()) {
                    long id = Journal.sessionOf(s.file());
                    JournalSalvage.write(s, id, salvagedFile(s.file()));
                    salvaged.add(id);
                    lines.add(name(s) + ": " + describe(s) + "; kept the " + s.records().size() + " readable records ("
                            + s.recordBytes() + " bytes); the damaged file is kept as " + s.file().getFileName()
                            + ".damaged-" + stamp);
                }
            }
            Throwable broken = Files.exists(index(dir)) ? indexDamage(dir) : null;
            if (broken != null) {
                Path aside = IndexDamage.moveAside(dir, broken);
                lines.add("index: damaged (" + rootMessage(broken) + "); moved to " + aside.getFileName()
                        + " and built anew from the recording files");
            }
        } catch (IOException e) {
            throw new RecordingException("cannot repair " + dir + ": " + e.getMessage(), e);
        }
        try (H2RecordingStore store = H2RecordingStore.openAlone(dir)) {
            for (long id : salvaged) {
                Path file = Journal.file(dir, id);
                store.forgetIndexOf(id);
                Files.move(file, file.resolveSibling(file.getFileName() + ".damaged-" + stamp), StandardCopyOption.ATOMIC_MOVE);
                Files.move(salvagedFile(file), file, StandardCopyOption.ATOMIC_MOVE);
            }
            JournalReplay.Outcome o = store.catchUp();
            lines.add("index: " + store.sessions(Integer.MAX_VALUE).size() + " sessions readable" + (o.applied() > 0
                    ? " (" + o.applied() + " records added from the recording files)" : ""));
            return new Report(lines, !o.damaged().isEmpty());
        } catch (IOException | SQLException e) {
            throw new RecordingException("cannot repair " + dir + ": " + rootMessage(e), e);
        }
    }

    private static Path salvagedFile(Path file) {
        return file.resolveSibling(file.getFileName() + ".salvaged");
    }

    /** Why the index does not read, or null (opened for writing: H2 may mend what it can). */
    private static Throwable indexDamage(Path dir) {
        String url = "jdbc:h2:file:" + dir.resolve(H2RecordingStore.FILE_NAME) + ";DB_CLOSE_ON_EXIT=FALSE";
        JdbcConnectionPool pool = JdbcConnectionPool.create(url, "sa", "");
        try (Connection c = pool.getConnection()) {
            readAll(c);
            return null;
        } catch (SQLException | RuntimeException | StackOverflowError e) {
            return IndexDamage.looksDamaged(e) ? e : null;
        } finally {
            pool.dispose();
        }
    }

    /** Reads every row of the index (so every page): sessions, blocks. */
    private static long[] readAll(Connection c) throws SQLException {
        long[] counts = new long[2];
        String[] queries = {"SELECT * FROM sessions", "SELECT session_id, first_seq, LENGTH(data), LENGTH(data_lob) FROM frame_blocks",
            "SELECT * FROM block_index", "SELECT * FROM replays"};
        for (int q = 0; q < queries.length; q++) {
            try (PreparedStatement ps = c.prepareStatement(queries[q]); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (q < 2) {
                        counts[q]++;
                    }
                }
            }
        }
        return counts;
    }

    private static String describe(JournalSalvage.Survey s) {
        StringBuilder b = new StringBuilder();
        if (s.header() != null) {
            b.append("its header is damaged (").append(s.header()).append(")");
        }
        for (JournalSalvage.Gap g : s.gaps()) {
            b.append(b.length() == 0 ? "" : "; ").append("damaged at offset ").append(g.offset()).append(" (").append(g.why())
                    .append("): ").append(g.length()).append(" bytes unreadable").append(g.atEnd() ? " to the end" : "");
        }
        return b.toString();
    }

    private static String name(JournalSalvage.Survey s) {
        return Journal.FOLDER + "/" + s.file().getFileName();
    }

    private static List<JournalSalvage.Survey> surveys(Path dir) throws RecordingException {
        List<JournalSalvage.Survey> out = new ArrayList<>();
        try {
            for (Map.Entry<Long, Path> f : JournalReplay.files(dir).entrySet()) {
                out.add(JournalSalvage.survey(f.getValue()));
            }
        } catch (IOException e) {
            throw new RecordingException("cannot read the recording files in " + Journal.folder(dir) + ": " + e.getMessage(), e);
        }
        return out;
    }

    private static Path index(Path dir) {
        return dir.resolve(H2RecordingStore.FILE_NAME + ".mv.db");
    }

    private static Path existing(Path directory) throws RecordingException {
        Path dir = directory.toAbsolutePath().normalize();
        if (!Files.exists(index(dir)) && !Files.isDirectory(Journal.folder(dir))) {
            throw new RecordingException("no recordings in " + dir, null);
        }
        return dir;
    }
}
