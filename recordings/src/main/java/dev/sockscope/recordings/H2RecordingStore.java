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

    private static final String INSERT_SESSION = """
            INSERT INTO sessions (id, listen, upstream, path, query, client_address, request_headers,
                handshake_status, response_headers, subprotocol, extensions, started_at, recorder_pid, recorder_started_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";
    private static final String END_SESSION = """
            UPDATE sessions SET ended_at = ?, close_code = ?, close_reason = ?, closed_by = ?, error = ?
            WHERE id = ?""";
    private static final String INSERT_BLOCK = """
            INSERT INTO frame_blocks (session_id, first_seq, last_seq, frame_count, first_time_us, last_time_us, data, data_lob, compression)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""";
    private static final String INSERT_INDEX = """
            INSERT INTO block_index (session_id, first_seq, last_seq, frame_count, first_time_us, last_time_us,
                directions, types, kinds, warned, labels, entries, client_frames, client_bytes, server_frames, server_bytes, grams)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";
    /** A block's distinct labels are kept for skipping only up to this many (a block of mostly distinct labels is read). */
    private static final int MAX_BLOCK_LABELS = 64;
    /** A block is written once its frames reach this size (and at the end of every batch). */
    static final int BLOCK_TARGET_BYTES = 256 * 1024;
    /** Encoded blocks up to this size live in the row; H2's LOB storage costs several times more. */
    static final int INLINE_BLOCK_MAX = 2 << 20;
    /** Back-off between attempts at a batch that failed (the recorder's thread waits; the relay never does). */
    private static final long[] RETRY_DELAYS_MS = {20, 100, 300, 1000, 2000};
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
    /** The writer's; used inside {@link #append} only. */
    private final BlockCompression.Compressor compressor = new BlockCompression.Compressor();
    /** Large payloads, outside H2: appended by the writer inside {@link #append}, read by any reader. */
    private final PayloadFiles payloads;
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
                    store = connect(dir, url, true);
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
            store.masker = SecretMasker.withKey(MaskingKey.loadOrCreate(dir));
            store.closeOrphans();
            store.server = LocalServer.start(dir, dir.resolve(FILE_NAME), store.writer);
        } catch (SQLException | java.io.IOException e) {
            store.close();
            throw new RecordingException("cannot share the recordings in " + dir + " with other local processes: " + e.getMessage(), e);
        }
        return store;
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
        while (true) {
            Optional<LocalServer.Announcement> live = LocalServer.findLive(dir);
            try {
                if (live.isPresent()) {
                    LocalServer.Announcement a = live.get();
                    return connect(dir, a.url(), a.user(), a.password(), Migrate.NEVER);
                }
                H2RecordingStore store = connect(dir, file + ";ACCESS_MODE_DATA=r", "sa", "", Migrate.CHECK);
                if (store != null) {
                    return store;
                }
                // An older schema: upgrade it (alone), then read it as everyone does.
                connect(dir, file, "sa", "", Migrate.YES).close();
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

    private static boolean isLocked(RecordingException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getErrorCode() == FILE_LOCKED) {
                return true;
            }
        }
        return false;
    }

    private static RecordingException inUse(Path dir, RecordingException e) {
        return new RecordingException("the recordings in " + dir + " stayed in use by another process for "
                + LOCKED_WAIT_MS / 1000 + " s: " + rootMessage(e), e);
    }

    private static Path prepare(Path directory) throws RecordingException {
        Path dir = directory.toAbsolutePath().normalize();
        try {
            if (Files.isDirectory(dir)) {
                OwnerOnly.tightenFolder(dir, FILE_NAME + ".", MaskingKey.FILE_NAME, PayloadFiles.FOLDER);
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
        boolean flyway = migrate == Migrate.YES || (migrate == Migrate.CHECK && !SchemaHistory.isCurrent(pool));
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
        try {
            Connection writer = pool.getConnection();
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
            endSession((Long) o[0], (SessionEnd) o[1]);
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

    @Override
    public synchronized void append(List<DecodedEvent> events) throws RecordingException {
        SQLException failure = null;
        for (int attempt = 0; attempt < RETRY_DELAYS_MS.length; attempt++) {
            try {
                writeAll(events);
                writer.commit();
                payloads.committed();
                if (attempt > 0) {
                    LOG.info("a batch of {} events was written on attempt {}", events.size(), attempt + 1);
                }
                return;
            } catch (SQLException e) {
                rollbackQuietly();
                failure = e;
                // H2 2.x can fail an insert with a transient IO error while its background writer is still
                // saving the chunk that holds a page the insert needs (seen with 1 MiB payloads under load).
                // The same batch succeeds once the save has finished, so wait a little and try again.
                LOG.warn("writing a batch of {} events failed (attempt {} of {}): {}", events.size(), attempt + 1,
                        RETRY_DELAYS_MS.length, rootMessage(e));
                if (!pause(RETRY_DELAYS_MS[attempt])) {
                    break;
                }
            }
        }
        // Still failing: write what can be written, one event at a time, so that one bad row costs one row.
        int failed = 0;
        SQLException first = null;
        for (DecodedEvent e : events) {
            try {
                writeAll(List.of(e));
                writer.commit();
                payloads.committed();
            } catch (SQLException single) {
                rollbackQuietly();
                failed++;
                if (first == null) {
                    first = single;
                }
            }
        }
        if (failed > 0) {
            throw new RecordingException(failed + " of " + events.size() + " events could not be written: "
                    + rootMessage(first), first);
        }
        LOG.info("a batch of {} events was written event by event after: {}", events.size(), rootMessage(failure));
    }

    private static boolean pause(long millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void writeAll(List<DecodedEvent> events) throws SQLException {
        // Frames are grouped per session into blocks; event order within a session is kept.
        Map<Long, List<StoredFrame>> pending = new LinkedHashMap<>();
        Map<Long, Integer> pendingBytes = new HashMap<>();
        try (PreparedStatement blocks = writer.prepareStatement(INSERT_BLOCK);
             PreparedStatement index = writer.prepareStatement(INSERT_INDEX)) {
            for (DecodedEvent event : events) {
                if (event instanceof DecodedEvent.SessionStarted started) {
                    insertSession(started.session());
                    if (started.protocol() != null) {
                        setProtocol(started.sessionId(), started.protocol());
                    }
                } else if (event instanceof DecodedEvent.ProtocolChosen chosen) {
                    setProtocol(chosen.sessionId(), chosen.choice());
                } else if (event instanceof DecodedEvent.FrameDecoded frame) {
                    RecordedFrame f = frame.frame();
                    pending.computeIfAbsent(f.sessionId(), k -> new ArrayList<>()).add(new StoredFrame(f, frame.decoding()));
                    int inBlock = PayloadFiles.external(f.payload()) ? 0 : f.payload().length;
                    int bytes = pendingBytes.merge(f.sessionId(), inBlock + 32, Integer::sum);
                    if (bytes >= BLOCK_TARGET_BYTES) {
                        addBlock(blocks, index, pending.remove(f.sessionId()));
                        pendingBytes.remove(f.sessionId());
                    }
                } else if (event instanceof DecodedEvent.SessionEnded ended) {
                    // Frames queued before the close land before the session is marked ended.
                    List<StoredFrame> rest = pending.remove(ended.sessionId());
                    pendingBytes.remove(ended.sessionId());
                    if (rest != null) {
                        addBlock(blocks, index, rest);
                    }
                    compressor.forget(ended.sessionId());
                    payloads.forget(ended.sessionId());
                    if (ended.end() != null) {
                        endSession(ended.sessionId(), ended.end());
                    }
                    setUnanswered(ended.sessionId(), ended.unanswered());
                }
            }
            for (List<StoredFrame> rest : pending.values()) {
                addBlock(blocks, index, rest);
            }
            blocks.executeBatch();
            index.executeBatch();
        }
    }

    private void setProtocol(long sessionId, ProtocolChoice choice) throws SQLException {
        try (PreparedStatement ps = writer.prepareStatement(
                "UPDATE sessions SET protocol = ?, protocol_reason = ?, handshake_decoded = ? WHERE id = ?")) {
            ps.setString(1, choice.protocol());
            ps.setString(2, choice.reason());
            ps.setString(3, choice.handshake() == null ? null : choice.handshake().toString());
            ps.setLong(4, sessionId);
            ps.executeUpdate();
        }
    }

    private void setUnanswered(long sessionId, List<Long> unanswered) throws SQLException {
        try (PreparedStatement ps = writer.prepareStatement("UPDATE sessions SET unanswered = ? WHERE id = ?")) {
            ps.setString(1, unanswered.isEmpty() ? null : json(unanswered));
            ps.setLong(2, sessionId);
            ps.executeUpdate();
        }
    }

    private void addBlock(PreparedStatement ps, PreparedStatement index, List<StoredFrame> frames) throws SQLException {
        RecordedFrame first = frames.get(0).frame();
        RecordedFrame last = frames.get(frames.size() - 1).frame();
        long sessionId = first.sessionId();
        byte[] encoded;
        try {
            encoded = FrameBlockCodec.encode(frames, payload -> payloads.append(sessionId, payload));
        } catch (java.io.IOException e) {
            throw new SQLException("cannot write a large payload of session " + sessionId + " to "
                    + payloads.file(sessionId) + ": " + e.getMessage(), e);
        }
        BlockCompression.Stored data = compressor.compress(first.sessionId(), encoded);
        ps.setLong(1, first.sessionId());
        ps.setLong(2, first.seq());
        ps.setLong(3, last.seq());
        ps.setInt(4, frames.size());
        ps.setLong(5, first.timeMicros());
        ps.setLong(6, last.timeMicros());
        if (data.bytes().length <= INLINE_BLOCK_MAX) {
            ps.setBytes(7, data.bytes());
            ps.setNull(8, Types.BLOB);
        } else {
            ps.setNull(7, Types.VARBINARY);
            ps.setBytes(8, data.bytes());
        }
        ps.setInt(9, data.compression());
        ps.addBatch();
        addIndex(index, frames, FrameBlockCodec.leavesOutText(encoded) ? null : TextGrams.of(frames));
    }

    /** The block's index row: what filters skip blocks by, and one summary per frame (BlockIndexCodec). */
    private static void addIndex(PreparedStatement ps, List<StoredFrame> frames, byte[] grams) throws SQLException {
        List<FrameSummary> summaries = new ArrayList<>(frames.size());
        int directions = 0;
        int types = 0;
        int kinds = 0;
        int warned = 0;
        long[] traffic = new long[4]; // client frames, client bytes, server frames, server bytes
        java.util.Set<String> labels = new java.util.LinkedHashSet<>();
        long firstTime = Long.MAX_VALUE;
        long lastTime = Long.MIN_VALUE;
        for (StoredFrame f : frames) {
            FrameSummary s = FrameSummary.of(f);
            summaries.add(s);
            directions |= 1 << s.from().ordinal();
            types |= SessionBlocks.typeBit(s.type());
            kinds |= SessionBlocks.kindBit(s.kind());
            warned += s.warned() ? 1 : 0;
            int way = s.from() == Direction.CLIENT_TO_SERVER ? 0 : 2;
            traffic[way]++;
            traffic[way + 1] += s.size();
            if (s.label() != null && labels.size() <= MAX_BLOCK_LABELS) {
                labels.add(s.label());
            }
            firstTime = Math.min(firstTime, s.timeMicros());
            lastTime = Math.max(lastTime, s.timeMicros());
        }
        ps.setLong(1, frames.get(0).frame().sessionId());
        ps.setLong(2, frames.get(0).seq());
        ps.setLong(3, frames.get(frames.size() - 1).seq());
        ps.setInt(4, frames.size());
        ps.setLong(5, firstTime);
        ps.setLong(6, lastTime);
        ps.setInt(7, directions);
        ps.setInt(8, types);
        ps.setInt(9, kinds);
        ps.setInt(10, warned);
        ps.setString(11, labels.size() > MAX_BLOCK_LABELS || labels.stream().anyMatch(l -> l.indexOf('\n') >= 0)
                ? null : String.join("\n", labels));
        ps.setBytes(12, BlockIndexCodec.encode(summaries));
        ps.setInt(13, (int) traffic[0]);
        ps.setLong(14, traffic[1]);
        ps.setInt(15, (int) traffic[2]);
        ps.setLong(16, traffic[3]);
        ps.setBytes(17, grams);
        ps.addBatch();
    }

    private void insertSession(SessionInfo s) throws SQLException {
        Handshake h = s.handshake();
        try (PreparedStatement ps = writer.prepareStatement(INSERT_SESSION)) {
            ps.setLong(1, s.id());
            ps.setString(2, s.listen());
            ps.setString(3, s.upstream());
            ps.setString(4, h.path());
            ps.setString(5, h.query());
            ps.setString(6, s.clientAddress());
            ps.setString(7, headersToJson(h.requestHeaders()));
            ps.setInt(8, h.status());
            ps.setString(9, headersToJson(h.responseHeaders()));
            ps.setString(10, h.subprotocol());
            ps.setString(11, h.extensions().isEmpty() ? null : String.join(", ", h.extensions()));
            ps.setLong(12, s.startedAtMicros());
            ps.setLong(13, PID);
            if (PROCESS_STARTED == null) {
                ps.setNull(14, Types.BIGINT);
            } else {
                ps.setLong(14, PROCESS_STARTED);
            }
            ps.executeUpdate();
        }
    }

    private void endSession(long id, SessionEnd end) throws SQLException {
        try (PreparedStatement ps = writer.prepareStatement(END_SESSION)) {
            ps.setLong(1, end.endedAtMicros());
            if (end.closeCode() == null) {
                ps.setNull(2, Types.INTEGER);
            } else {
                ps.setInt(2, end.closeCode());
            }
            ps.setString(3, end.closeReason());
            ps.setString(4, end.closedBy() == null ? null : end.closedBy().label());
            ps.setString(5, end.error());
            ps.setLong(6, id);
            ps.executeUpdate();
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
            throw new RecordingException("cannot read sessions from " + directory + ": " + e.getMessage(), e);
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
            throw new RecordingException("cannot read sessions from " + directory + ": " + e.getMessage(), e);
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
            throw new RecordingException("cannot read frames of session " + sessionId + ": " + e.getMessage(), e);
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
            } catch (java.io.IOException e) {
                LOG.warn("session {} is deleted, but its large payloads are still in {}: {}", sessionId,
                        payloads.file(sessionId), e.getMessage());
            }
            return new DeleteOutcome.Deleted(sessionId);
        } catch (SQLException e) {
            rollbackQuietly();
            throw new RecordingException("cannot delete session " + sessionId + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void linkReplay(long replayId, long originalId) throws RecordingException {
        try (PreparedStatement ps = writer.prepareStatement("MERGE INTO replays (replay_id, original_id) KEY (replay_id) VALUES (?, ?)")) {
            ps.setLong(1, replayId);
            ps.setLong(2, originalId);
            ps.executeUpdate();
            writer.commit();
        } catch (SQLException e) {
            rollbackQuietly();
            throw new RecordingException("cannot link replay " + replayId + " to session " + originalId + ": " + e.getMessage(), e);
        }
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
            throw new RecordingException("cannot read the replays of session " + sessionId + ": " + e.getMessage(), e);
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
            throw new RecordingException("cannot read the replays of session " + sessionId + ": " + e.getMessage(), e);
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
        try {
            writer.commit();
            writer.close();
        } catch (SQLException e) {
            LOG.warn("closing the recording writer failed: {}", e.getMessage());
        }
        if (server != null) {
            server.stop();
            // Only the process that holds the file shuts the database down; a reader just disconnects.
            try (Connection c = pool.getConnection(); var st = c.createStatement()) {
                // SHUTDOWN writes everything and closes the file cleanly, so the next open is fast.
                st.execute("SHUTDOWN");
            } catch (SQLException e) {
                LOG.debug("shutdown of the recording database: {}", e.getMessage());
            }
        }
        pool.dispose();
    }

    private void rollbackQuietly() {
        try {
            writer.rollback();
        } catch (SQLException e) {
            LOG.warn("rollback failed: {}", e.getMessage());
        }
        payloads.rolledBack();
    }

        /** The seqs of requests never answered, as a JSON array ({@code [3,7]}), read back with Jackson too. */
    private static String json(List<Long> seqs) throws SQLException {
        try {
            return JSON.writeValueAsString(seqs);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new SQLException("cannot write unanswered requests as JSON: " + e.getOriginalMessage(), e);
        }
    }

static String headersToJson(List<Header> headers) {
        List<List<String>> pairs = new ArrayList<>(headers.size());
        for (Header h : headers) {
            pairs.add(List.of(h.name(), h.value()));
        }
        try {
            return JSON.writeValueAsString(pairs);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a list of strings always serialises", e);
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
