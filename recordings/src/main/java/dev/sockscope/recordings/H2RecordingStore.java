package dev.sockscope.recordings;

import static dev.sockscope.wire.Failures.rootMessage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.h2.jdbcx.JdbcConnectionPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.sockscope.decode.DecodedEvent;
import dev.sockscope.decode.ProtocolChoice;
import dev.sockscope.secrets.SecretMasker;
import dev.sockscope.wire.ClosedBy;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.Handshake;
import dev.sockscope.wire.Header;
import dev.sockscope.wire.RecordedFrame;
import dev.sockscope.wire.SessionEnd;
import dev.sockscope.wire.SessionInfo;

/**
 * Recordings in an H2 file database ({@code DIR/sockscope.mv.db}), schema managed by Flyway.
 *
 * <p>The process that records holds the file and serves it on loopback ({@link LocalServer}), so that the
 * command line and the UI can read a database that a running proxy is writing. H2's own shutdown hook is
 * disabled: the proxy closes the store itself, after the recorder has written every queued frame.
 */
public final class H2RecordingStore implements RecordingStore {
    static {
        // H2 reads this once, when its first class that needs it loads: before any H2 class is touched. LocalServer
        // checks the socket it really got, in case something in this JVM used H2 first.
        if (System.getProperty("h2.bindAddress") == null) {
            System.setProperty("h2.bindAddress", "127.0.0.1");
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(H2RecordingStore.class);
    public static final String FILE_NAME = "sockscope";
    /**
     * H2 writes committed changes to the file at most this long after the commit. Together with the
     * recorder's batching, this bounds what a {@code kill -9} can lose (see docs/recording.md, "Durability").
     */
    public static final int WRITE_DELAY_MS = 50;
    /** Written by a proxy that finds the file locked: a {@link YieldingReader} then lets go of it. */
    static final String HANDOVER_REQUEST = "sockscope.wanted";
    /** H2's page cache: large enough that the newest blocks (up to a few MiB each) stay in memory. */
    static final int CACHE_KIB = (int) Math.min(128 * 1024, Runtime.getRuntime().maxMemory() / 8 / 1024); // an eighth of a small heap

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Frame counts from the small index rows when the session has them (H2's COALESCE stops at the first value); the
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

    /** How long a reader or a writer waits for the file while another process holds it (readers are brief). */
    static final long LOCKED_WAIT_MS = 15_000;
    /** H2's error code for a database file in use by another process. */
    private static final int FILE_LOCKED = 90020;
    private static final long PID = ProcessHandle.current().pid();
    /** When this process started (ms since the epoch), so that a recycled pid is not taken for this process. */
    private static final Long PROCESS_STARTED = ProcessHandle.current().info().startInstant().map(java.time.Instant::toEpochMilli).orElse(null);

    private final Path directory;
    private final JdbcConnectionPool pool;
    private final Connection writer;
    private final AtomicLong nextId;
    /** Large payloads, outside H2: appended by the writer inside {@link #append}, read by any reader. */
    private final PayloadFiles payloads;
    /** The writer's: the recording files, written before the index ({@link #append}); null in a reader. */
    private Journal journal;
    private FileSyncer syncer;
    /** The writer's: batches to the recording files, then the index; null in a reader. */
    private JournaledWriter journaled;
    private LocalServer server;
    private SecretMasker masker;
    private volatile Boolean hasSignatures;

    private H2RecordingStore(Path directory, JdbcConnectionPool pool, Connection writer, long firstFreeId) {
        this.directory = directory;
        this.payloads = new PayloadFiles(directory);
        this.pool = pool;
        this.writer = writer;
        this.nextId = new AtomicLong(firstFreeId);
    }

    /**
     * Opens (creating if needed) the recording database in {@code directory} for a process that records into
     * it, and serves it to other local Sockscope processes (command line, UI) while it is open. Sessions left open
     * by a recording process that has since died are marked ended (see {@link #closeOrphans}).
     */
    public static H2RecordingStore open(Path directory) throws RecordingException {
        Path dir = prepare(directory);
        setAsideLiveCopy(dir);
        String url = "jdbc:h2:file:" + dir.resolve(FILE_NAME) + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=" + WRITE_DELAY_MS
                + ";CACHE_SIZE=" + CACHE_KIB;
        long deadline = System.currentTimeMillis() + LOCKED_WAIT_MS;
        H2RecordingStore store;
        Path request = dir.resolve(HANDOVER_REQUEST);
        try {
            while (true) {
                if (LocalServer.findLive(dir).isPresent()) {
                    throw new RecordingException("the recordings in " + dir + " are in use by another running Sockscope"
                            + " proxy; stop it or choose another folder with --db", null);
                }
                try {
                    store = openIndex(dir, url);
                    break;
                } catch (RecordingException e) {
                    // Readers hold the file for a moment (a 'sessions' command), and a proxy starting up holds it before
                    // it announces its server: wait for the one, and see the other's announcement on the next round.
                    // A long-lived reader ('sockscope ui') lets go when asked.
                    if (!isLocked(e) || System.currentTimeMillis() > deadline) {
                        throw isLocked(e) ? inUse(dir, e) : e;
                    }
                    askForHandover(request);
                    if (!pause(50)) {
                        throw e;
                    }
                }
            }
        } finally {
            try {
                Files.deleteIfExists(request);
            } catch (java.io.IOException e) {
                LOG.debug("cannot remove {}: {}", request, e.getMessage());
            }
        }
        try {
            OwnerOnly.restrict(dir.resolve(FILE_NAME + ".mv.db"));
            try {
                store.masker = SecretMasker.withKey(MaskingKey.loadOrCreate(dir));
            } catch (java.io.IOException e) {
                store.close();
                throw new RecordingException(e.getMessage(), e);
            }
            store.closeOrphans();
            store.server = LocalServer.start(dir, dir.resolve(FILE_NAME), store.writer);
        } catch (SQLException | java.io.IOException e) {
            store.close();
            throw new RecordingException("cannot share the recordings in " + dir + " with other local processes: " + e.getMessage(), e);
        }
        return store;
    }

    /**
     * Connects a writer to the index, catches it up with the recording files, and, when the index file is damaged,
     * moves it aside and builds a new one from them.
     */
    private static H2RecordingStore openIndex(Path dir, String url) throws RecordingException {
        try {
            return connectAndCatchUp(dir, url);
        } catch (RecordingException e) {
            if (isLocked(e) || !(IndexDamage.looksDamaged(e) || IndexDamage.halfMigrated(e))
                    || !Files.exists(dir.resolve(FILE_NAME + ".mv.db"))) {
                throw e;
            }
            try {
                IndexDamage.moveAside(dir, e);
            } catch (java.io.IOException move) {
                throw new RecordingException("the recording index " + dir.resolve(FILE_NAME + ".mv.db") + " is damaged ("
                        + rootMessage(e) + ") and cannot be moved aside to build a new one: " + move.getMessage(), e);
            }
            return connectAndCatchUp(dir, url);
        }
    }

    private static H2RecordingStore connectAndCatchUp(Path dir, String url) throws RecordingException {
        H2RecordingStore store;
        try {
            store = connect(dir, url, true);
        } catch (StackOverflowError | RuntimeException e) {
            throw new RecordingException("cannot open the recordings in " + dir + ": " + rootMessage(e), e);
        }
        try {
            store.syncer = new FileSyncer();
            store.journal = new Journal(dir, store.syncer);
            store.payloads.syncWith(store.syncer);
            store.journaled = new JournaledWriter(dir, store.writer, store.journal, store.payloads,
                    new IndexWriter(store.payloads, PID, PROCESS_STARTED));
            store.journal.keepReserve();
            JournalReplay.catchUp(store.writer, dir);
            long lastFile = JournalReplay.files(dir).keySet().stream().mapToLong(Long::longValue).max().orElse(0);
            try (PreparedStatement ps = store.writer.prepareStatement("SELECT COALESCE(MAX(id), 0) FROM sessions");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                store.nextId.set(Math.max(rs.getLong(1), lastFile) + 1); // never a new session in an old file
            }
            store.writer.commit();
            return store;
        } catch (SQLException | java.io.IOException | StackOverflowError | RuntimeException e) {
            store.close();
            throw new RecordingException("cannot bring the recording index of " + dir + " up to its recording files: "
                    + rootMessage(e), e);
        }
    }

    /**
     * The folder for this process alone, as a writer but serving nothing: for {@code sockscope repair}, which runs with
     * no proxy on the folder. Sessions of recording processes that are gone are ended, as a proxy's open does.
     */
    static H2RecordingStore openAlone(Path directory) throws RecordingException {
        Path dir = prepare(directory);
        H2RecordingStore store = openIndex(dir, "jdbc:h2:file:" + dir.resolve(FILE_NAME) + ";DB_CLOSE_ON_EXIT=FALSE");
        try {
            store.closeOrphans();
        } catch (SQLException e) {
            store.close();
            throw new RecordingException("cannot end the sessions left open in " + dir + ": " + rootMessage(e), e);
        }
        return store;
    }

    /** Removes a session's rows from the index (its recording file is replayed into it again). */
    synchronized void forgetIndexOf(long sessionId) throws SQLException {
        JournalReplay.forget(writer, sessionId);
        writer.commit();
    }

    synchronized JournalReplay.Outcome catchUp() throws SQLException, java.io.IOException {
        return JournalReplay.catchUp(writer, directory);
    }

    /** Catches the index up (or rebuilds it) as a writer would, alone, for a reader that found it behind or damaged. */
    private static void catchUpAlone(Path dir, String url) throws RecordingException {
        openIndex(dir, url).close();
    }

    private static boolean setAsideLiveCopy(Path dir) throws RecordingException {
        try {
            return IndexDamage.setAsideLiveCopy(dir);
        } catch (java.io.IOException e) {
            throw new RecordingException(dir + " was copied from a folder whose proxy was running, and its recording index"
                    + " cannot be set aside to build a new one from the recording files: " + e.getMessage(), e);
        }
    }

    /** Whether a live proxy is waiting for the file (a request left by a process that died is removed). */
    static boolean handoverRequested(Path dir) {
        Path request = dir.resolve(HANDOVER_REQUEST);
        try {
            long pid = Long.parseLong(Files.readString(request, java.nio.charset.StandardCharsets.US_ASCII).trim());
            long age = System.currentTimeMillis() - Files.getLastModifiedTime(request).toMillis();
            if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && age < 4 * LOCKED_WAIT_MS) {
                return true; // a proxy waiting now (a reused pid is not waiting minutes later)
            }
            if (age < LOCKED_WAIT_MS) {
                return true; // a proxy this process cannot see (another pid namespace) within its wait
            }
            Files.deleteIfExists(request);
            return false;
        } catch (java.nio.file.NoSuchFileException e) {
            return false;
        } catch (java.io.IOException | NumberFormatException e) {
            return false; // being written, or not ours: asked again on the proxy's next round
        }
    }

    private static void askForHandover(Path request) {
        if (!Files.exists(request)) {
            try {
                OwnerOnly.writeNew(request, (PID + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            } catch (java.io.IOException e) {
                LOG.debug("cannot ask readers for the folder through {}: {}", request, e.getMessage());
            }
        }
    }

    /**
     * Opens the recordings for reading: through the running proxy that holds them, if there is one, otherwise the
     * file itself, read-only, which any number of readers may do at once. A folder recorded by an older version is
     * upgraded first (that one open is exclusive). While a proxy is starting or stopping (it holds the file but has
     * no server yet), waits for either.
     */
    public static H2RecordingStore openReader(Path directory) throws RecordingException {
        Path dir = directory.toAbsolutePath().normalize();
        if (!Files.isRegularFile(dir.resolve(FILE_NAME + ".mv.db"))) {
            throw new RecordingException("no recordings in " + dir + " (record some with 'sockscope proxy --db "
                    + dir + "', or point --db at another folder)", null);
        }
        String file = "jdbc:h2:file:" + dir.resolve(FILE_NAME) + ";DB_CLOSE_ON_EXIT=FALSE";
        long deadline = System.currentTimeMillis() + LOCKED_WAIT_MS;
        boolean caughtUp = false;
        if (setAsideLiveCopy(dir)) {
            caughtUp = true;
            catchUpAlone(dir, file);
        }
        while (true) {
            Optional<LocalServer.Announcement> live = LocalServer.findLive(dir);
            try {
                if (live.isPresent()) {
                    LocalServer.Announcement a = live.get();
                    return connect(dir, a.url(), a.user(), a.password(), Migrate.NEVER);
                }
                if (!caughtUp && Files.size(dir.resolve(FILE_NAME + ".mv.db")) == 0) {
                    // Empty (killed as it was created, or cut): H2 read-only would fail and keep the file locked.
                    caughtUp = true;
                    catchUpAlone(dir, file);
                    continue;
                }
                H2RecordingStore store;
                try {
                    store = connect(dir, file + ";ACCESS_MODE_DATA=r", "sa", "", Migrate.CHECK);
                } catch (RecordingException e) {
                    if (caughtUp || isLocked(e) || !IndexDamage.looksDamaged(e)) {
                        throw e;
                    }
                    caughtUp = true;
                    catchUpAlone(dir, file); // a damaged index: built anew from the recording files
                    continue;
                }
                if (store != null && (caughtUp || !store.behindItsFiles())) {
                    return store;
                }
                if (store != null) {
                    store.close();
                }
                // An older schema, or an index behind its files (a proxy killed): bring it up (alone), then read it.
                caughtUp = true;
                catchUpAlone(dir, file);
            } catch (java.io.IOException e) {
                throw new RecordingException("cannot read the recordings in " + dir + ": " + e.getMessage(), e);
            } catch (RecordingException e) {
                boolean serverGone = live.isPresent() && LocalServer.findLive(dir).isEmpty();
                if (!(isLocked(e) || serverGone) || System.currentTimeMillis() > deadline) {
                    throw isLocked(e) ? inUse(dir, e) : e;
                }
                if (!pause(50)) {
                    throw e;
                }
            }
        }
    }

    /** A failed read, saying so when the index looks damaged (H2 says "General error: StackOverflowError" and the like). */
    private RecordingException readFailure(String what, Exception e) {
        if (IndexDamage.looksDamaged(e) && !(e.getMessage() != null && e.getMessage().contains("recording file"))) {
            return new RecordingException(what + ": the recording index " + directory.resolve(FILE_NAME + ".mv.db")
                    + " is damaged (" + rootMessage(e) + "); run 'sockscope repair --db " + directory + "' to build it anew"
                    + " from the recording files", e);
        }
        return new RecordingException(what + ": " + e.getMessage(), e);
    }

    /** Whether a recording file holds more than the index (a reader that finds so asks for a catch-up once). */
    private boolean behindItsFiles() {
        try (Connection c = pool.getConnection()) {
            return JournalReplay.behind(c, directory);
        } catch (SQLException | java.io.IOException | RuntimeException e) {
            LOG.debug("cannot compare the index with its recording files: {}", e.getMessage());
            return false;
        }
    }

    private static boolean isLocked(RecordingException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getErrorCode() == FILE_LOCKED) {
                return true;
            }
        }
        return false;
    }

    private static RecordingException inUse(Path dir, RecordingException e) {
        List<String> holders = FileHolders.of(dir.resolve(FILE_NAME + ".mv.db"));
        return new RecordingException("the recordings in " + dir + " stayed in use by another process for "
                + LOCKED_WAIT_MS / 1000 + " s" + (holders.isEmpty() ? "" : " (held by " + String.join("; ", holders) + ")")
                + ": " + rootMessage(e), e);
    }

    private static Path prepare(Path directory) throws RecordingException {
        Path dir = directory.toAbsolutePath().normalize();
        try {
            if (Files.isDirectory(dir)) {
                OwnerOnly.tightenFolder(dir, FILE_NAME + ".", MaskingKey.FILE_NAME, PayloadFiles.FOLDER, Journal.FOLDER);
            } else {
                OwnerOnly.createFolder(dir);
            }
        } catch (Exception e) {
            throw new RecordingException("cannot create the recordings folder " + dir + ": " + e.getMessage(), e);
        }
        return dir;
    }

    private enum Migrate { YES, CHECK, NEVER }

    private static H2RecordingStore connect(Path dir, String url, boolean writable) throws RecordingException {
        return connect(dir, url, "sa", "", writable ? Migrate.YES : Migrate.NEVER);
    }

    /**
     * Null when {@code migrate} is CHECK and the schema is older than this version's. A reader starts Flyway only when
     * the folder's history is not exactly this version's ({@link SchemaHistory}): Flyway's classes and its scan of the
     * class path for migrations were half of what a short command ({@code sessions}, {@code frames}) cost.
     */
    private static H2RecordingStore connect(Path dir, String url, String user, String password, Migrate migrate)
            throws RecordingException {
        JdbcConnectionPool pool = JdbcConnectionPool.create(url, user, password);
        pool.setMaxConnections(16);
        // A folder at this version's schema needs no Flyway, writer or reader: its scan and validation cost a proxy's start
        // about half a second.
        boolean flyway = migrate != Migrate.NEVER && !SchemaHistory.isCurrent(pool);
        if (flyway) {
            try {
                Flyway f = Flyway.configure(H2RecordingStore.class.getClassLoader())
                        .dataSource(pool)
                        .locations("classpath:db/migration")
                        .load();
                if (migrate == Migrate.YES) {
                    f.migrate();
                } else if (f.info().pending().length > 0) {
                    pool.dispose();
                    return null;
                }
            } catch (FlywayException e) {
                pool.dispose();
                throw new RecordingException("cannot open or upgrade the recordings in " + dir + ": " + rootMessage(e), e);
            }
        }
        Connection writer = null;
        try {
            writer = pool.getConnection();
            writer.setAutoCommit(false);
            long firstFree;
            try (PreparedStatement ps = writer.prepareStatement("SELECT COALESCE(MAX(id), 0) + 1 FROM sessions");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                firstFree = rs.getLong(1);
            }
            writer.commit();
            return new H2RecordingStore(dir, pool, writer, firstFree);
        } catch (SQLException e) {
            closeQuietly(writer); // the pool closes only the connections it holds: an open one keeps the database open
            pool.dispose();
            throw new RecordingException("cannot open the recordings in " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Sessions that a recording process left open and can no longer close, because it is gone (killed with
     * {@code kill -9}, crashed, powered off): ended now, by the proxy, with an error that says so, at the time of their
     * last frame. Only the writer does this, while it holds the file exclusively; a session whose recording process is
     * still alive (the same pid, started at the same time) is left alone.
     */
    private void closeOrphans() throws SQLException {
        String sql = """
                SELECT s.id, s.started_at, s.recorder_pid, s.recorder_started_at,
                       (SELECT MAX(b.last_time_us) FROM frame_blocks b WHERE b.session_id = s.id) AS last_frame
                FROM sessions s WHERE s.ended_at IS NULL""";
        List<Object[]> orphans = new ArrayList<>();
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
                orphans.add(new Object[] {id, new SessionEnd(endedAt, null, null, ClosedBy.PROXY,
                        who + " ended without closing this session (killed or crashed)")});
            }
        }
        for (Object[] o : orphans) {
            IndexWriter.apply(writer, IndexWriter.end((Long) o[0], (SessionEnd) o[1]), 0);
        }
        writer.commit();
        if (!orphans.isEmpty()) {
            LOG.info("marked {} sessions left open by a recording process that is gone as ended", orphans.size());
        }
    }

    private static boolean stillAlive(long pid, Long processStarted) {
        Optional<ProcessHandle> p = ProcessHandle.of(pid);
        if (p.isEmpty() || !p.get().isAlive()) {
            return false;
        }
        Optional<java.time.Instant> started = p.get().info().startInstant();
        // A recycled pid is another process: its start time differs (by more than the clock's resolution).
        return processStarted == null || started.isEmpty() || Math.abs(started.get().toEpochMilli() - processStarted) < 1000;
    }

    public Path directory() {
        return directory;
    }

    /** The folder's masker; a reader of a folder without a key (made before keys existed) masks under a key of its own. */
    @Override
    public synchronized SecretMasker masker() {
        if (masker == null) {
            masker = MaskingKey.load(directory).map(SecretMasker::withKey).orElseGet(SecretMasker::ephemeral);
        }
        return masker;
    }

    @Override
    public long nextSessionId() {
        return nextId.getAndIncrement();
    }

    /** Writes a batch: to the sessions' recording files first, then to the index ({@link JournaledWriter}). */
    @Override
    public synchronized void append(List<DecodedEvent> events) throws RecordingException {
        if (journaled == null) {
            throw new RecordingException("this process only reads the recordings in " + directory, null);
        }
        journaled.append(events);
    }

    @Override
    public synchronized String stopRecording(Throwable cause) {
        return journaled == null ? "" : journaled.stopRecording(cause);
    }

    static boolean pause(long millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public List<SessionRecord> sessions(int limit) throws RecordingException {
        return querySessions(SELECT_SESSIONS + " ORDER BY s.started_at DESC, s.id DESC LIMIT ?", limit);
    }

    @Override
    public Optional<SessionRecord> session(long id) throws RecordingException {
        return querySessions(SELECT_SESSIONS + " WHERE s.id = ?", id).stream().findFirst();
    }

    private List<SessionRecord> querySessions(String sql, long parameter) throws RecordingException {
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, parameter);
            List<SessionRecord> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(readSession(rs));
                }
            }
            return out;
        } catch (SQLException e) {
            throw readFailure("cannot read sessions from " + directory, e);
        }
    }

    private static SessionRecord readSession(ResultSet rs) throws SQLException {
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
        String unanswered = rs.getString("unanswered");
        List<Long> seqs = null;
        if (unanswered != null) {
            try {
                seqs = List.of(JSON.readValue(unanswered, Long[].class));
            } catch (JsonProcessingException e) {
                throw new SQLException("stored unanswered requests are not valid JSON: " + e.getOriginalMessage(), e);
            }
        }
        long original = rs.getLong("replay_of");
        Long replayOf = rs.wasNull() ? null : original;
        return new SessionRecord(info, end, rs.getLong("frame_count"), rs.getString("protocol"), rs.getString("protocol_reason"),
                rs.getString("handshake_decoded"), seqs, traffic(rs), replayOf);
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

    @Override
    public SessionPage sessions(SessionQuery q) throws RecordingException {
        StringBuilder sql = new StringBuilder(SELECT_SESSIONS).append(" WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        if (q.beforeId() != null) {
            sql.append(" AND s.id < ?");
            args.add(q.beforeId());
        }
        if (q.protocol() != null) {
            sql.append(" AND LOCATE(LOWER(?), LOWER(s.protocol)) > 0");
            args.add(q.protocol());
        }
        if (q.open() != null) {
            sql.append(q.open() ? " AND s.ended_at IS NULL" : " AND s.ended_at IS NOT NULL");
        }
        if (q.errorsOnly()) {
            sql.append(" AND (s.error IS NOT NULL OR s.handshake_status <> 101 OR s.close_code NOT IN ")
                    .append(SessionQuery.CLEAN_CLOSE_CODES).append(")");
        }
        if (q.text() != null && !q.text().isEmpty()) {
            sql.append(" AND LOCATE(LOWER(?), LOWER(CONCAT_WS(' ', s.listen, s.upstream, s.path, s.query, s.client_address,"
                    + " s.subprotocol, s.protocol, s.close_reason, s.error))) > 0");
            args.add(q.text());
        }
        sql.append(" ORDER BY s.id DESC LIMIT ?");
        args.add(q.limit() + 1);
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
                ps.setObject(i + 1, args.get(i));
            }
            List<SessionRecord> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(readSession(rs));
                }
            }
            boolean more = out.size() > q.limit();
            List<SessionRecord> page = more ? out.subList(0, q.limit()) : out;
            return new SessionPage(List.copyOf(page), more ? page.get(page.size() - 1).id() : null);
        } catch (SQLException e) {
            throw readFailure("cannot read sessions from " + directory, e);
        }
    }

    /** Runs {@code work} over one session's blocks, with the requests it ended without answering. */
    private <T> T search(long sessionId, SearchWork<T> work) throws RecordingException {
        try (Connection c = pool.getConnection()) {
            java.util.Set<Long> unanswered = new java.util.HashSet<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT unanswered FROM sessions WHERE id = ?")) {
                ps.setLong(1, sessionId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next() && rs.getString(1) != null) {
                        unanswered.addAll(List.of(JSON.readValue(rs.getString(1), Long[].class)));
                    }
                }
            }
            return work.run(new FrameSearch(new SessionBlocks(c, sessionId, payloads, signed(c)), unanswered));
        } catch (SQLException | JsonProcessingException | IllegalArgumentException e) {
            throw readFailure("cannot read frames of session " + sessionId, e);
        }
    }

    /**
     * Whether the database has text signatures: a reader of this version may read through the server of an older
     * proxy whose schema has no {@code grams} column (its searches then read every block, as that version did).
     */
    private boolean signed(Connection c) {
        Boolean known = hasSignatures;
        if (known == null) {
            try (var st = c.createStatement(); var rs = st.executeQuery("SELECT grams FROM block_index LIMIT 0")) {
                known = true;
            } catch (SQLException e) {
                if (e.getErrorCode() != org.h2.api.ErrorCode.COLUMN_NOT_FOUND_1) {
                    // Not an older schema but a failed read: this search reads every block; the next one asks again.
                    LOG.warn("cannot tell whether {} has text signatures ({}); this search reads every block", directory, e.getMessage());
                    return false;
                }
                known = false;
            }
            hasSignatures = known;
        }
        return known;
    }

    @FunctionalInterface
    private interface SearchWork<T> {
        T run(FrameSearch search) throws SQLException;
    }

    @Override
    public FramePage frames(long sessionId, FrameQuery query) throws RecordingException {
        return search(sessionId, s -> s.page(query));
    }

    @Override
    public Optional<StoredFrame> frame(long sessionId, long seq) throws RecordingException {
        return search(sessionId, s -> s.frame(seq));
    }

    @Override
    public Optional<StoredFrame> answerTo(long sessionId, long requestSeq) throws RecordingException {
        return search(sessionId, s -> s.answerTo(requestSeq));
    }

    @Override
    public SessionStats stats(long sessionId, int maxBuckets) throws RecordingException {
        Optional<SessionRecord> session = session(sessionId);
        long started = session.map(r -> r.info().startedAtMicros()).orElse(0L);
        return search(sessionId, s -> s.stats(started, maxBuckets));
    }

    @Override
    public synchronized DeleteOutcome delete(long sessionId) throws RecordingException {
        Optional<SessionRecord> session = session(sessionId);
        if (session.isEmpty()) {
            return new DeleteOutcome.NotFound(sessionId);
        }
        if (server == null) {
            return new DeleteOutcome.Refused("this process only reads the recordings in " + directory + " (the proxy"
                    + " recording there, if one runs, holds them): delete sessions from the inspector of the proxy that records"
                    + " into this folder, or with no proxy running");
        }
        if (session.get().isOpen()) {
            return new DeleteOutcome.Refused("session " + sessionId + " is still open and being recorded: delete it once it has ended");
        }
        try {
            for (String sql : List.of("DELETE FROM block_index WHERE session_id = ?", "DELETE FROM frame_blocks WHERE session_id = ?",
                    "DELETE FROM replays WHERE replay_id = ?", "DELETE FROM sessions WHERE id = ?")) {
                try (PreparedStatement ps = writer.prepareStatement(sql)) {
                    ps.setLong(1, sessionId);
                    ps.executeUpdate();
                }
            }
            writer.commit();
            try {
                payloads.delete(sessionId);
                if (journal != null) {
                    journal.delete(sessionId);
                } else {
                    Files.deleteIfExists(Journal.file(directory, sessionId));
                }
            } catch (java.io.IOException e) {
                LOG.warn("session {} is deleted, but its large payloads are still in {}: {}", sessionId,
                        payloads.file(sessionId), e.getMessage());
            }
            return new DeleteOutcome.Deleted(sessionId);
        } catch (SQLException e) {
            rollbackIndex();
            throw new RecordingException("cannot delete session " + sessionId + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void linkReplay(long replayId, long originalId) throws RecordingException {
        if (journaled == null) {
            throw new RecordingException("this process only reads the recordings in " + directory, null);
        }
        journaled.link(replayId, originalId);
    }

    @Override
    public Optional<Long> replayOf(long sessionId) throws RecordingException {
        try (Connection c = pool.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT original_id FROM replays WHERE replay_id = ?")) {
            ps.setLong(1, sessionId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw readFailure("cannot read the replays of session " + sessionId, e);
        }
    }

    @Override
    public List<Long> replaysOf(long sessionId) throws RecordingException {
        try (Connection c = pool.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT replay_id FROM replays WHERE original_id = ? ORDER BY replay_id")) {
            ps.setLong(1, sessionId);
            List<Long> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getLong(1));
                }
            }
            return out;
        } catch (SQLException e) {
            throw readFailure("cannot read the replays of session " + sessionId, e);
        }
    }

    /** Writes everything committed to the file now (tests that copy a live folder). */
    synchronized void checkpoint() throws SQLException {
        try (var st = writer.createStatement()) {
            st.execute("CHECKPOINT");
        }
    }

    @Override
    public synchronized void close() {
        payloads.close();
        if (journal != null) {
            journal.close();
            syncer.close();
        }
        try {
            writer.commit();
        } catch (SQLException e) {
            LOG.warn("committing the recording writer's last changes failed: {}", e.getMessage());
            rollbackIndex();
        }
        // Closed whatever the commit did: a connection left open keeps H2's database open in this process, with its
        // transaction's row locks, for whoever opens the folder next in this process.
        closeQuietly(writer);
        if (server != null) {
            server.stop();
            // Only the process that holds the file shuts the database down; a reader just disconnects.
            try (Connection c = pool.getConnection(); var st = c.createStatement()) {
                // SHUTDOWN writes everything and closes the file cleanly, so the next open is fast. The pool then
                // rolls back the connection it closed, which H2 would trace into sockscope.trace.db ("Database is
                // already closed") at every clean stop: nothing is left to trace by then.
                st.execute("SET TRACE_LEVEL_FILE 0");
                st.execute("SHUTDOWN");
            } catch (SQLException e) {
                LOG.debug("shutdown of the recording database: {}", e.getMessage());
            }
        }
        pool.dispose();
    }

    private static void closeQuietly(Connection c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (SQLException e) {
            LOG.warn("closing a connection to the recording index failed: {}", e.getMessage());
        }
    }

    private void rollbackIndex() {
        try {
            writer.rollback();
        } catch (SQLException e) {
            LOG.warn("rollback failed: {}", e.getMessage());
        }
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
