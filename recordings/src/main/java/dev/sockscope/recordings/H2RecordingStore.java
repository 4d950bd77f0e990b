package dev.sockscope.recordings;

import static dev.sockscope.wire.Failures.rootMessage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import org.h2.jdbcx.JdbcConnectionPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.sockscope.capture.MemoryBudget;
import dev.sockscope.decode.DecodedEvent;
import dev.sockscope.secrets.SecretMasker;

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
    static final String HANDOVER_REQUEST = H2Folder.HANDOVER_REQUEST;

    static final long LOCKED_WAIT_MS = H2Folder.LOCKED_WAIT_MS;
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
    private final SessionQueries sessions;
    private final FrameReads frames;

    H2RecordingStore(Path directory, JdbcConnectionPool pool, Connection writer, long firstFreeId) {
        this.directory = directory;
        this.payloads = new PayloadFiles(directory);
        this.pool = pool;
        this.writer = writer;
        this.nextId = new AtomicLong(firstFreeId);
        this.sessions = new SessionQueries(pool, Dialect.H2, directory.toString(), this::readFailure);
        this.frames = new FrameReads(pool, Dialect.H2, payloads, sessions, directory.toString(), this::readFailure);
    }

    /**
     * Opens (creating if needed) the recording database in {@code directory} for a process that records into
     * it, and serves it to other local Sockscope processes (command line, UI) while it is open. Sessions left open
     * by a recording process that has since died are marked ended (see {@link OrphanedSessions}).
     */
    public static H2RecordingStore open(Path directory) throws RecordingException {
        return open(directory, MemoryBudget.forThisHeap());
    }

    /**
     * As above, H2's page cache taking {@code memory}'s store share (large enough that the newest blocks, up to a few
     * MiB each, stay in memory).
     */
    public static H2RecordingStore open(Path directory, MemoryBudget memory) throws RecordingException {
        Path dir = H2Folder.prepare(directory);
        setAsideLiveCopy(dir);
        String url = "jdbc:h2:file:" + dir.resolve(FILE_NAME) + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=" + WRITE_DELAY_MS
                + ";CACHE_SIZE=" + memory.storeCacheBytes() / 1024;
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
                    if (!H2Folder.isLocked(e) || System.currentTimeMillis() > deadline) {
                        throw H2Folder.isLocked(e) ? H2Folder.inUse(dir, e) : e;
                    }
                    H2Folder.askForHandover(request);
                    if (!pause(50)) {
                        throw e;
                    }
                }
            }
        } finally {
            H2Folder.withdrawRequest(request);
        }
        try {
            OwnerOnly.restrict(dir.resolve(FILE_NAME + ".mv.db"));
            try {
                store.masker = SecretMasker.withKey(MaskingKey.loadOrCreate(dir));
            } catch (java.io.IOException e) {
                store.close();
                throw new RecordingException(e.getMessage(), e);
            }
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
    static H2RecordingStore openIndex(Path dir, String url) throws RecordingException {
        try {
            return connectAndCatchUp(dir, url);
        } catch (RecordingException e) {
            if (H2Folder.isLocked(e) || !(IndexDamage.looksDamaged(e) || IndexDamage.halfMigrated(e))
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
            store = H2IndexConnector.connect(dir, url, "sa", "", H2IndexConnector.Migrate.YES);
        } catch (StackOverflowError | RuntimeException e) {
            throw new RecordingException("cannot open the recordings in " + dir + ": " + rootMessage(e), e);
        }
        try {
            store.syncer = new FileSyncer();
            store.journal = new Journal(dir, store.syncer);
            store.payloads.syncWith(store.syncer);
            store.journaled = new JournaledWriter(dir, store.writer, store.journal, store.payloads,
                    new IndexWriter(store.payloads, PID, PROCESS_STARTED, true));
            store.journal.keepReserve();
        } catch (java.io.IOException | RuntimeException e) {
            store.close();
            throw new RecordingException("cannot open the recording files of " + dir + ": " + rootMessage(e), e);
        }
        IndexWatchdog watchdog = IndexWatchdog.watch(store.pool, "bringing the index of " + dir + " up to its recording files");
        try (watchdog) {
            JournalReplay.catchUp(store.writer, dir, watchdog::progressed);
            // Sessions left open by a recording process that is gone are ended, by whoever opens the folder alone.
            store.closeOrphans();
            long lastFile = JournalReplay.files(dir).keySet().stream().mapToLong(Long::longValue).max().orElse(0);
            try (PreparedStatement ps = store.writer.prepareStatement("SELECT COALESCE(MAX(id), 0) FROM sessions");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                store.nextId.set(Math.max(rs.getLong(1), lastFile) + 1); // never a new session in an old file
            }
            store.writer.commit();
            if (watchdog.fired()) { // its index was shut down under it: nothing written after that may be trusted
                throw new IllegalStateException("the index was shut down while it was being brought up to date");
            }
            return store;
        } catch (SQLException | java.io.IOException | StackOverflowError | RuntimeException e) {
            store.close();
            String why = "cannot bring the recording index of " + dir + " up to its recording files: " + rootMessage(e);
            throw new RecordingException(why, watchdog.fired() ? new IndexWatchdog.Stalled(why, e) : e);
        }
    }

    /**
     * The folder for this process alone, as a writer but serving nothing: for {@code sockscope repair}, which runs with
     * no proxy on the folder. Sessions of recording processes that are gone are ended, as a proxy's open does.
     */
    static H2RecordingStore openAlone(Path directory) throws RecordingException {
        Path dir = H2Folder.prepare(directory);
        return openIndex(dir, "jdbc:h2:file:" + dir.resolve(FILE_NAME) + ";DB_CLOSE_ON_EXIT=FALSE");
    }

    /** Removes a session's rows from the index (its recording file is replayed into it again). */
    synchronized void forgetIndexOf(long sessionId) throws SQLException {
        JournalReplay.forget(writer, sessionId);
        writer.commit();
    }

    synchronized JournalReplay.Outcome catchUp() throws SQLException, java.io.IOException {
        return JournalReplay.catchUp(writer, directory);
    }

    static boolean setAsideLiveCopy(Path dir) throws RecordingException {
        try {
            return IndexDamage.setAsideLiveCopy(dir);
        } catch (java.io.IOException e) {
            throw new RecordingException(dir + " was copied from a folder whose proxy was running, and its recording index"
                    + " cannot be set aside to build a new one from the recording files: " + e.getMessage(), e);
        }
    }

    /**
     * Opens the recordings for reading: through the running proxy that holds them, if there is one, otherwise the
     * file itself, read-only ({@link H2FolderReader}).
     */
    public static H2RecordingStore openReader(Path directory) throws RecordingException {
        return H2FolderReader.open(directory);
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
    boolean behindItsFiles() {
        try (Connection c = pool.getConnection()) {
            return JournalReplay.behind(c, directory);
        } catch (SQLException | java.io.IOException | RuntimeException e) {
            LOG.debug("cannot compare the index with its recording files: {}", e.getMessage());
            return false;
        }
    }


    /** Sessions left open by a recording process that is gone: ended ({@link OrphanedSessions}). */
    private void closeOrphans() throws SQLException {
        OrphanedSessions.end(writer);
    }

    public Path directory() {
        return directory;
    }

    @Override
    public String location() {
        return directory.toString();
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

    /** Whether a live proxy is waiting for the file (a request left by a process that died is removed). */
    static boolean handoverRequested(Path dir) {
        return H2Folder.handoverRequested(dir);
    }

    static boolean pause(long millis) {
        return H2Folder.pause(millis);
    }

    @Override
    public List<SessionRecord> sessions(int limit) throws RecordingException {
        return sessions.sessions(limit);
    }

    @Override
    public Optional<SessionRecord> session(long id) throws RecordingException {
        return sessions.session(id);
    }

    @Override
    public SessionPage sessions(SessionQuery q) throws RecordingException {
        return sessions.sessions(q);
    }

    @Override
    public FramePage frames(long sessionId, FrameQuery query) throws RecordingException {
        return frames.frames(sessionId, query);
    }

    @Override
    public Optional<StoredFrame> frame(long sessionId, long seq) throws RecordingException {
        return frames.frame(sessionId, seq);
    }

    @Override
    public Optional<StoredFrame> answerTo(long sessionId, long requestSeq) throws RecordingException {
        return frames.answerTo(sessionId, requestSeq);
    }

    @Override
    public SessionStats stats(long sessionId, int maxBuckets) throws RecordingException {
        return frames.stats(sessionId, maxBuckets);
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
    public synchronized StarOutcome star(long sessionId, boolean starred) throws RecordingException {
        if (server == null) {
            return new StarOutcome.Refused("this process only reads the recordings in " + directory + ": star sessions from"
                    + " the inspector of the proxy that records into this folder, or with no proxy running");
        }
        try {
            boolean found = Stars.set(writer, sessionId, starred);
            writer.commit();
            return found ? new StarOutcome.Done(sessionId, starred) : new StarOutcome.NotFound(sessionId);
        } catch (SQLException e) {
            rollbackIndex();
            throw new RecordingException("cannot star session " + sessionId + ": " + e.getMessage(), e);
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
        return sessions.replayOf(sessionId);
    }

    @Override
    public List<Long> replaysOf(long sessionId) throws RecordingException {
        return sessions.replaysOf(sessionId);
    }

    /** Writes everything committed to the file now (tests that copy a live folder). */
    synchronized void checkpoint() throws SQLException {
        try (var st = writer.createStatement()) {
            st.execute("CHECKPOINT");
        }
    }

    @Override
    public synchronized void close() {
        if (journaled != null) {
            journaled.flushJournalEnds(); // a folder closed cleanly is not behind its recording files
        }
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
        }
        // Only the process that holds the file (a writer, serving or alone) shuts the database down, so that no
        // connection still out closes it later; a reader just disconnects.
        boolean holdsFile = journal != null;
        if (holdsFile) {
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
        if (holdsFile) {
            H2Leftovers.release(directory.resolve(FILE_NAME + ".mv.db"));
        }
    }

    /** H2's page cache as the database has it now, in KiB (the store's share of the memory budget). */
    public long pageCacheKib() throws RecordingException {
        try (Connection c = pool.getConnection(); var st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'CACHE_SIZE'")) {
            rs.next();
            return Long.parseLong(rs.getString(1));
        } catch (SQLException e) {
            throw new RecordingException("reading the page cache setting failed: " + e.getMessage(), e);
        }
    }

    static void closeQuietly(Connection c) {
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

}
