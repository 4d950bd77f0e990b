package dev.sockscope.recordings;

import static dev.sockscope.wire.Failures.rootMessage;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.h2.jdbcx.JdbcConnectionPool;
import org.postgresql.ds.PGConnectionPoolDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.sockscope.decode.DecodedEvent;
import dev.sockscope.secrets.SecretMasker;

/**
 * Recordings in a PostgreSQL database shared by many proxies and inspectors (a team store), schema managed by Flyway
 * ({@code db/postgresql}). Session ids come from a sequence; each writer holds a {@link RecorderLease}; the masking key
 * is kept in the database, so every writer masks a secret to the same tag. Reads are the same SQL as a folder's
 * ({@link SessionQueries}, {@link FrameReads}); a block's bytes and large payloads are in their rows.
 */
public final class PgRecordingStore implements RecordingStore {
    private static final Logger LOG = LoggerFactory.getLogger(PgRecordingStore.class);
    /** Ids taken from the sequence at a time: one round trip per this many new sessions. */
    private static final int IDS_PER_FETCH = 16;
    private static final String KEY_SETTING = "masking_key";
    /** How often a writer applies the store's retention policy ({@link Retention}). */
    private static final long RETENTION_EVERY_MINUTES = 10;
    /** Connections per process: the writer's, the lease's, and the inspector's readers. */
    private static final int MAX_CONNECTIONS = 16;

    private final StoreLocation.Postgres location;
    private final JdbcConnectionPool source;
    private final DatabasePayloads payloads;
    private final SessionQueries sessions;
    private final FrameReads frames;
    private final SecretMasker masker;
    /** The writer's: null in a reader. */
    private final RecorderLease lease;
    private final Connection writer;
    private final IndexWriter planner;
    private final Deque<Long> freeIds = new ArrayDeque<>();
    /** The writer's: applies the retention policy now and then; null in a reader. */
    private final java.util.concurrent.ScheduledExecutorService housekeeping;

    private PgRecordingStore(StoreLocation.Postgres location, JdbcConnectionPool source, SecretMasker masker,
            RecorderLease lease, Connection writer, boolean housekeeps) {
        this.location = location;
        this.source = source;
        this.payloads = new DatabasePayloads(source);
        this.sessions = new SessionQueries(source, Dialect.POSTGRESQL, location.toString(), this::readFailure);
        this.frames = new FrameReads(source, Dialect.POSTGRESQL, payloads, sessions, location.toString(), this::readFailure);
        this.masker = masker;
        this.lease = lease;
        this.writer = writer;
        this.planner = writer == null ? null : new IndexWriter(payloads, ProcessHandle.current().pid(), null);
        this.housekeeping = writer == null || !housekeeps ? null : java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sockscope-retention");
            t.setDaemon(true);
            return t;
        });
        if (housekeeping != null) {
            housekeeping.scheduleWithFixedDelay(this::retainQuietly, 0, RETENTION_EVERY_MINUTES, java.util.concurrent.TimeUnit.MINUTES);
        }
    }

    /** The store's retention policy ({@link RetentionPolicy#KEEP_ALL} when none was set). */
    public RetentionPolicy retentionPolicy() throws RecordingException {
        try (Connection c = source.getConnection()) {
            return Retention.policy(c);
        } catch (SQLException | IllegalArgumentException e) {
            throw new RecordingException("cannot read the retention policy of " + location + ": " + e.getMessage(), e);
        }
    }

    /** Replaces the store's retention policy for every writer. */
    public void setRetentionPolicy(RetentionPolicy policy) throws RecordingException {
        try (Connection c = source.getConnection()) {
            Retention.set(c, policy);
        } catch (SQLException e) {
            throw new RecordingException("cannot set the retention policy of " + location + ": " + e.getMessage(), e);
        }
    }

    /** Deletes the ended sessions the policy lets go (never starred ones, nor those a replay refers to). */
    public RetentionOutcome applyRetention() throws RecordingException {
        try (Connection c = source.getConnection()) {
            return Retention.apply(c, true);
        } catch (SQLException | IllegalArgumentException e) {
            throw new RecordingException("cannot apply the retention policy of " + location + ": " + e.getMessage(), e);
        }
    }

    /** The store's recorded bytes: its frame blocks and large payloads as stored (what a size policy counts). */
    public long recordedBytes() throws RecordingException {
        try (Connection c = source.getConnection()) {
            return Retention.storeBytes(c);
        } catch (SQLException e) {
            throw new RecordingException("cannot measure " + location + ": " + e.getMessage(), e);
        }
    }

    private void retainQuietly() {
        try (Connection c = source.getConnection()) {
            RetentionOutcome done = Retention.apply(c, false); // null: another applier runs the same policy now
            if (done != null && done.deleted() > 0) {
                LOG.info("retention deleted {} sessions older than the policy and {} for its size ({} bytes); kept {} starred,"
                        + " {} replayed", done.deletedByAge(), done.deletedBySize(), done.deletedBytes(), done.keptStarred(),
                        done.keptReplayed());
            }
        } catch (SQLException | IllegalArgumentException e) {
            LOG.warn("cannot apply the retention policy of {}: {}", location, e.getMessage());
        }
    }

    /** Opens the store for a proxy that records into it as {@code proxyName} on {@code host}, migrating it if needed. */
    public static PgRecordingStore openWriter(StoreLocation.Postgres location, String host, String proxyName)
            throws RecordingException {
        return openWriter(location, host, proxyName, RecorderLease.HEARTBEAT, RecorderLease.LEASE, true);
    }

    /**
     * Opens the store as a writer that applies no retention of its own (for {@code sockscope retention}, which applies
     * it itself and reports what it did): it still takes a recorder's lease, which ends the sessions that proxies gone
     * without closing them left open, so that the policy reaches them.
     */
    public static PgRecordingStore openMaintainer(StoreLocation.Postgres location, String host, String name)
            throws RecordingException {
        return openWriter(location, host, name, RecorderLease.HEARTBEAT, RecorderLease.LEASE, false);
    }

    static PgRecordingStore openWriter(StoreLocation.Postgres location, String host, String proxyName, Duration heartbeat,
            Duration leaseTime) throws RecordingException {
        return openWriter(location, host, proxyName, heartbeat, leaseTime, true);
    }

    private static PgRecordingStore openWriter(StoreLocation.Postgres location, String host, String proxyName,
            Duration heartbeat, Duration leaseTime, boolean housekeeps) throws RecordingException {
        JdbcConnectionPool source = migrated(location);
        RecorderLease lease = null;
        Connection writer = null;
        try {
            SecretMasker masker = SecretMasker.withKey(sharedKey(source, true).orElseThrow());
            lease = RecorderLease.take(source, host, proxyName, heartbeat, leaseTime);
            writer = source.getConnection();
            writer.setAutoCommit(false);
            return new PgRecordingStore(location, source, masker, lease, writer, housekeeps);
        } catch (SQLException e) {
            if (lease != null) {
                lease.close();
            }
            closeQuietly(writer);
            source.dispose();
            throw new RecordingException("cannot record into " + location + ": " + e.getMessage(), e);
        }
    }

    /** Opens the store for reading (the command line, an inspector); reading a store with no schema yet creates it. */
    public static PgRecordingStore openReader(StoreLocation.Postgres location) throws RecordingException {
        JdbcConnectionPool source = migrated(location);
        try {
            SecretMasker masker = sharedKey(source, false).map(SecretMasker::withKey).orElseGet(SecretMasker::ephemeral);
            return new PgRecordingStore(location, source, masker, null, null, false);
        } catch (SQLException e) {
            source.dispose();
            throw new RecordingException("cannot read " + location + ": " + e.getMessage(), e);
        }
    }

    /**
     * Connections to the store, kept open for reuse (H2's pool works over any driver's pooled connections): an
     * inspector's request then costs no TCP and authentication round trips.
     */
    private static JdbcConnectionPool migrated(StoreLocation.Postgres location) throws RecordingException {
        PGConnectionPoolDataSource driver = new PGConnectionPoolDataSource();
        driver.setUrl(location.jdbcUrl());
        driver.setUser(location.user());
        if (location.password() != null) {
            driver.setPassword(location.password());
        }
        driver.setApplicationName("sockscope");
        driver.setConnectTimeout(10);
        JdbcConnectionPool source = JdbcConnectionPool.create(driver);
        source.setMaxConnections(MAX_CONNECTIONS);
        try {
            Flyway.configure(PgRecordingStore.class.getClassLoader())
                    .dataSource(source)
                    .locations("classpath:db/postgresql")
                    .load()
                    .migrate();
        } catch (FlywayException e) {
            source.dispose();
            throw new RecordingException("cannot open or upgrade the team store " + location + ": " + rootMessage(e), e);
        }
        return source;
    }

    /** The store's masking key; a writer creates it if the store has none (the first writer's key wins). */
    private static Optional<byte[]> sharedKey(JdbcConnectionPool source, boolean create) throws SQLException {
        try (Connection c = source.getConnection()) {
            if (create) {
                byte[] key = new byte[32];
                new SecureRandom().nextBytes(key);
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO store_settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING")) {
                    ps.setString(1, KEY_SETTING);
                    ps.setString(2, HexFormat.of().formatHex(key));
                    ps.executeUpdate();
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT value FROM store_settings WHERE name = ?")) {
                ps.setString(1, KEY_SETTING);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(HexFormat.of().parseHex(rs.getString(1).trim())) : Optional.empty();
                }
            }
        }
    }

    private RecordingException readFailure(String what, Exception e) {
        return new RecordingException(what + ": " + e.getMessage(), e);
    }

    @Override
    public String location() {
        return location.toString();
    }

    @Override
    public SecretMasker masker() {
        return masker;
    }

    /** Ids from the database's sequence: unique across every proxy writing to the store. */
    @Override
    public synchronized long nextSessionId() {
        if (freeIds.isEmpty()) {
            try (Connection c = source.getConnection(); PreparedStatement ps = c.prepareStatement(
                    "SELECT nextval('session_ids') FROM generate_series(1, " + IDS_PER_FETCH + ")");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    freeIds.add(rs.getLong(1));
                }
            } catch (SQLException e) {
                throw new IllegalStateException("cannot take session ids from " + location + ": " + e.getMessage(), e);
            }
        }
        return freeIds.removeFirst();
    }

    /** Writes a batch in one transaction: large payloads, then the sessions' rows and blocks. */
    @Override
    public synchronized void append(List<DecodedEvent> events) throws RecordingException {
        if (writer == null) {
            throw new RecordingException("this process only reads " + location, null);
        }
        try {
            List<JournalEntry> entries = planner.plan(events);
            payloads.insert(writer);
            for (JournalEntry e : entries) {
                DatabaseRows.apply(writer, e, lease);
            }
            if (!entries.isEmpty()) {
                notifyReaders(writer);
            }
            writer.commit();
            payloads.committed();
        } catch (SQLException | java.io.IOException | RuntimeException e) {
            rollback();
            payloads.rolledBack();
            throw new RecordingException("cannot write to " + location + ": " + rootMessage(e), e);
        }
    }

    /** Tells every inspector LISTENing on the store that something changed; delivered when {@code c} commits. */
    static void notifyReaders(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_notify(?, '')")) {
            ps.setString(1, PgChangeSignal.CHANNEL);
            ps.execute();
        }
    }

    /** Signals the changes any writer commits to this store (LISTEN/NOTIFY on a connection of its own). */
    public ChangeSignal changeSignal() {
        return new PgChangeSignal(location);
    }

    @Override
    public synchronized void linkReplay(long replayId, long originalId) throws RecordingException {
        if (writer == null) {
            throw new RecordingException("this process only reads " + location, null);
        }
        try {
            DatabaseRows.update(writer, DatabaseRows.LINK_REPLAY, replayId, originalId);
            writer.commit();
        } catch (SQLException e) {
            rollback();
            throw new RecordingException("cannot link replay " + replayId + " to session " + originalId + ": " + e.getMessage(), e);
        }
    }

    /** Any reader or writer of a team store may delete an ended session (the inspector's token guards who may ask). */
    @Override
    public DeleteOutcome delete(long sessionId) throws RecordingException {
        Optional<SessionRecord> session = session(sessionId);
        if (session.isEmpty()) {
            return new DeleteOutcome.NotFound(sessionId);
        }
        if (session.get().isOpen()) {
            return new DeleteOutcome.Refused("session " + sessionId + " is still open and being recorded: delete it once it has ended");
        }
        try (Connection c = source.getConnection()) {
            c.setAutoCommit(false);
            try {
                for (String sql : List.of("DELETE FROM block_index WHERE session_id = ?", "DELETE FROM frame_blocks WHERE session_id = ?",
                        "DELETE FROM large_payloads WHERE session_id = ?", "DELETE FROM replays WHERE replay_id = ?",
                        "DELETE FROM sessions WHERE id = ?")) {
                    DatabaseRows.update(c, sql, sessionId);
                }
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
            return new DeleteOutcome.Deleted(sessionId);
        } catch (SQLException e) {
            throw new RecordingException("cannot delete session " + sessionId + ": " + e.getMessage(), e);
        }
    }

    /** Any reader or writer of a team store may star a session (the inspector's token guards who may ask). */
    @Override
    public StarOutcome star(long sessionId, boolean starred) throws RecordingException {
        try (Connection c = source.getConnection()) {
            return Stars.set(c, sessionId, starred) ? new StarOutcome.Done(sessionId, starred) : new StarOutcome.NotFound(sessionId);
        } catch (SQLException e) {
            throw new RecordingException("cannot star session " + sessionId + ": " + e.getMessage(), e);
        }
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
    public SessionPage sessions(SessionQuery query) throws RecordingException {
        return sessions.sessions(query);
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
    public Optional<Long> replayOf(long sessionId) throws RecordingException {
        return sessions.replayOf(sessionId);
    }

    @Override
    public List<Long> replaysOf(long sessionId) throws RecordingException {
        return sessions.replaysOf(sessionId);
    }

    /** The writer's lease (tests that play a killed proxy); null in a reader. */
    RecorderLease lease() {
        return lease;
    }

    @Override
    public synchronized void close() {
        if (housekeeping != null) {
            housekeeping.shutdownNow();
        }
        payloads.close();
        if (lease != null) {
            lease.close();
        }
        closeQuietly(writer);
        source.dispose();
    }

    private void rollback() {
        try {
            writer.rollback();
        } catch (SQLException e) {
            LOG.warn("rollback failed: {}", e.getMessage());
        }
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                LOG.debug("closing a connection to the team store: {}", e.getMessage());
            }
        }
    }
}
