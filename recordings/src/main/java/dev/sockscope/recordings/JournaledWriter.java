package dev.sockscope.recordings;

import static dev.sockscope.wire.Failures.rootMessage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.sockscope.decode.DecodedEvent;
import dev.sockscope.wire.ClosedBy;
import dev.sockscope.wire.SessionEnd;

/**
 * The writer of a recordings folder: each batch goes to the sessions' recording files ({@link Journal}) first, then to
 * the index, and when a file cannot be written (a full disk) the recording stops with every open session ended where
 * its recording ends ({@link #stopRecording}). Used by the store's writer alone, under the store's lock.
 */
final class JournaledWriter {
    private static final Logger LOG = LoggerFactory.getLogger(JournaledWriter.class);
    /** Back-off between attempts at a batch that failed (the recorder's thread waits; the relay never does). */
    private static final long[] RETRY_DELAYS_MS = {20, 100, 300, 1000, 2000};
    /** How often an open session's {@code journal_end} is written at most ({@link #journalEnds}). */
    static final long JOURNAL_END_EVERY_NANOS = 1_000_000_000L;

    private final Path directory;
    private final Connection writer;
    private final Journal journal;
    private final PayloadFiles payloads;
    private final IndexWriter indexWriter;
    /** Each session this writer opened and has not ended, and the seq of its last frame in its recording file. */
    private final Map<Long, Long> recordedUpTo = new HashMap<>();
    /**
     * Why {@code journal_end} lags: it is not written with every batch, only where it matters. A session's row starts
     * with 0; its journal end is written when it ends (with its last record's row), at most once a second while it is
     * open ({@link #journalEndDue}), and for every session when the store closes cleanly or the recording stops
     * ({@link #flushJournalEnds}), so that a folder closed cleanly is not behind its files. An UPDATE per session per
     * batch was a third of the index's statements for busy sessions of small messages (issue 20), and a lagging
     * journal end loses nothing: it only says where a catch-up starts reading a file, and a catch-up re-applies what
     * the index already holds harmlessly ({@link IndexWriter#applyMissing}); a session a dead recorder left open is
     * rebuilt from its whole file anyway ({@link JournalReplay#leftOpen}: which its row's 0 makes it from its first
     * commit), and one that ended has its journal end in the commit that ended it. Here: each open session's journal
     * end as this writer keeps it.
     */
    private final Map<Long, JournalEnd> journalEnds = new HashMap<>();
    private boolean stopped;

    /** Where a session's file was last written as indexed (nanoTime), and the end committed since, or -1. */
    private static final class JournalEnd {
        long writtenAt;
        long pending = -1;

        JournalEnd(long writtenAt) {
            this.writtenAt = writtenAt;
        }
    }

    JournaledWriter(Path directory, Connection writer, Journal journal, PayloadFiles payloads, IndexWriter indexWriter) {
        this.directory = directory;
        this.writer = writer;
        this.journal = journal;
        this.payloads = payloads;
        this.indexWriter = indexWriter;
    }

    /**
     * Writes a batch: its entries first to the sessions' recording files (the source of truth; one write per session,
     * no retry: a file that cannot be written, such as on a full disk, fails the batch at once), then to the index in one
     * transaction, retried and at last entry by entry should the database refuse it (what the files hold reaches the
     * index at the next open anyway).
     */
    void append(List<DecodedEvent> events) throws RecordingException {
        if (stopped) {
            throw new RecordingException("the recording in " + directory + " has stopped after a failed write", null);
        }
        List<JournalEntry> entries;
        long[][] where;
        try {
            entries = indexWriter.plan(events);
            where = journal(entries);
            payloads.committed();
        } catch (java.io.IOException e) {
            payloads.rolledBack();
            throw new RecordingException("cannot write the recording in " + directory + ": " + e.getMessage(), e);
        }
        index(entries, where);
    }

    /**
     * Appends each entry to its session's file; for each, where its record starts and ends. A block whose compression
     * was settled as it was written replaces its entry in {@code entries} (only a planned batch has such blocks).
     */
    private long[][] journal(List<JournalEntry> entries) throws java.io.IOException {
        Map<Long, List<Integer>> bySession = new LinkedHashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            bySession.computeIfAbsent(entries.get(i).sessionId(), k -> new ArrayList<>()).add(i);
        }
        long[][] where = new long[entries.size()][];
        for (Map.Entry<Long, List<Integer>> s : bySession.entrySet()) {
            List<JournalEntry> ofSession = new ArrayList<>(s.getValue().size());
            for (int i : s.getValue()) {
                ofSession.add(entries.get(i));
            }
            long[] offsets = journal.append(s.getKey(), ofSession);
            for (int k = 0; k < s.getValue().size(); k++) {
                where[s.getValue().get(k)] = new long[] {offsets[k], offsets[k + 1]};
                if (ofSession.get(k) != entries.get(s.getValue().get(k))) {
                    entries.set(s.getValue().get(k), ofSession.get(k)); // a block as written: how it was stored
                }
            }
        }
        for (JournalEntry e : entries) {
            switch (e.kind()) {
                case SESSION -> recordedUpTo.put(e.sessionId(), 0L);
                case BLOCK -> recordedUpTo.computeIfPresent(e.sessionId(), (k, v) -> ((Number) e.values().get(1)).longValue());
                case END -> {
                    recordedUpTo.remove(e.sessionId());
                    journal.forget(e.sessionId());
                }
                default -> { }
            }
        }
        return where;
    }

    private void index(List<JournalEntry> entries, long[][] where) throws RecordingException {
        SQLException failure = null;
        long now = System.nanoTime();
        Map<Long, Integer> last = new LinkedHashMap<>(); // each session's last record in this batch
        Set<Long> opened = new HashSet<>(); // sessions whose row this batch inserts, with journal_end 0
        for (int i = 0; i < entries.size(); i++) {
            last.put(entries.get(i).sessionId(), i);
            if (entries.get(i).kind() == JournalEntry.Kind.SESSION) {
                opened.add(entries.get(i).sessionId());
            }
        }
        Set<Long> due = new HashSet<>();
        for (long id : last.keySet()) {
            if (journalEndDue(id, opened.contains(id), now)) {
                due.add(id);
            }
        }
        for (int attempt = 0; attempt < RETRY_DELAYS_MS.length; attempt++) {
            Set<Long> written = new HashSet<>();
            try (BatchStatements s = new BatchStatements(writer)) {
                for (int i = 0; i < entries.size(); i++) {
                    long id = entries.get(i).sessionId();
                    if (entries.get(i).kind() == JournalEntry.Kind.PROTOCOL && endsSession(entries, i + 1)
                            && entries.get(i + 1).sessionId() == id && due.contains(id) && last.get(id) == i + 2) {
                        // decided at its end: the choice, the end and the journal end in one UPDATE
                        IndexWriter.applyEnded(s, entries.get(i), entries.get(i + 1), entries.get(i + 2), where[i + 2][1]);
                        written.add(id);
                        i += 2;
                        continue;
                    }
                    if (endsSession(entries, i) && due.contains(id) && last.get(id) == i + 1) {
                        IndexWriter.applyEnded(s, entries.get(i), entries.get(i + 1), where[i + 1][1]);
                        written.add(id);
                        i++;
                        continue;
                    }
                    if (opensSession(entries, i)) {
                        // Its row starts with journal_end 0 either way; a due journal end is set below, as after SET_PROTOCOL.
                        IndexWriter.applyOpened(s, entries.get(i), entries.get(i + 1));
                        i++;
                        continue;
                    }
                    long journalEnd = due.contains(id) && last.get(id) == i ? where[i][1] : -1;
                    if (IndexWriter.applyRecorded(s, entries.get(i), where[i][0], journalEnd)) {
                        written.add(id); // with an ended session's last record
                    }
                }
                for (long id : due) {
                    if (!written.contains(id)) {
                        IndexWriter.setJournalEnd(s, id, where[last.get(id)][1]);
                    }
                }
                writer.commit();
            } catch (SQLException e) {
                rollback();
                failure = e;
                String full = diskFull(e);
                if (full != null) {
                    throw new RecordingException(full, e);
                }
                // H2 2.x can fail an insert with a transient IO error while its background writer is still
                // saving the chunk that holds a page the insert needs (seen with 1 MiB payloads under load).
                // The same batch succeeds once the save has finished, so wait a little and try again.
                LOG.warn("indexing a batch of {} records failed (attempt {} of {}): {}", entries.size(), attempt + 1,
                        RETRY_DELAYS_MS.length, rootMessage(e));
                if (!H2RecordingStore.pause(RETRY_DELAYS_MS[attempt])) {
                    break;
                }
                continue;
            }
            for (Map.Entry<Long, Integer> e : last.entrySet()) {
                if (due.contains(e.getKey())) {
                    journalEndWritten(e.getKey(), now);
                } else { // held back: the row has an older journal end (0 for a session opened in this batch)
                    journalEnds.computeIfAbsent(e.getKey(), k -> new JournalEnd(now)).pending = where[e.getValue()][1];
                }
            }
            if (attempt > 0) {
                LOG.info("a batch of {} records was indexed on attempt {}", entries.size(), attempt + 1);
            }
            return;
        }
        // Still failing: index what can be indexed, one record at a time, so that one bad row costs one row.
        int failed = 0;
        SQLException first = null;
        for (int i = 0; i < entries.size(); i++) {
            long id = entries.get(i).sessionId();
            try (BatchStatements s = new BatchStatements(writer)) {
                if (!IndexWriter.applyRecorded(s, entries.get(i), where[i][0], where[i][1])) {
                    IndexWriter.setJournalEnd(s, id, where[i][1]);
                }
                writer.commit();
                journalEndWritten(id, now);
            } catch (SQLException single) {
                rollback();
                failed++;
                if (first == null) {
                    first = single;
                }
            }
        }
        if (failed > 0) {
            throw new RecordingException(failed + " of " + entries.size() + " records could not be indexed: "
                    + rootMessage(first), first);
        }
        LOG.info("a batch of {} records was indexed one by one after: {}", entries.size(), rootMessage(failure));
    }

    /** Whether entry {@code i} is a session's SESSION followed by its PROTOCOL, as {@link IndexWriter#plan} opens a decided one. */
    private static boolean opensSession(List<JournalEntry> entries, int i) {
        return pair(entries, i, JournalEntry.Kind.SESSION, JournalEntry.Kind.PROTOCOL);
    }

    /** Whether entry {@code i} is a session's END followed by its UNANSWERED, as {@link IndexWriter#plan} ends a session. */
    private static boolean endsSession(List<JournalEntry> entries, int i) {
        return pair(entries, i, JournalEntry.Kind.END, JournalEntry.Kind.UNANSWERED);
    }

    /** Whether entry {@code i} is of kind {@code first} and the next one, of the same session, of kind {@code second}. */
    private static boolean pair(List<JournalEntry> entries, int i, JournalEntry.Kind first, JournalEntry.Kind second) {
        return i + 1 < entries.size() && entries.get(i).kind() == first && entries.get(i + 1).kind() == second
                && entries.get(i + 1).sessionId() == entries.get(i).sessionId();
    }

    /**
     * Whether this batch writes the session's {@code journal_end}: always for a session this writer no longer records
     * (ended in this batch, or not opened by it), never for one opened in this batch and still open (its row has 0),
     * and for the others when it was last written {@link #JOURNAL_END_EVERY_NANOS} ago or longer.
     */
    private boolean journalEndDue(long sessionId, boolean openedNow, long now) {
        if (!recordedUpTo.containsKey(sessionId)) {
            return true;
        }
        JournalEnd j = journalEnds.get(sessionId);
        return !openedNow && (j == null || now - j.writtenAt >= JOURNAL_END_EVERY_NANOS);
    }

    /** Notes a journal end committed: the session's clock starts again, or it is forgotten once it has ended. */
    private void journalEndWritten(long sessionId, long now) {
        if (!recordedUpTo.containsKey(sessionId)) {
            journalEnds.remove(sessionId);
            return;
        }
        JournalEnd j = journalEnds.computeIfAbsent(sessionId, k -> new JournalEnd(now));
        j.writtenAt = now;
        j.pending = -1;
    }

    /**
     * Writes every journal end held back, in one transaction: a folder closed cleanly is not behind its recording files
     * ({@link JournalReplay#behind}). Should it fail, the next open catches the index up from the files (nothing is lost).
     */
    void flushJournalEnds() {
        if (journalEnds.values().stream().allMatch(j -> j.pending < 0)) {
            return;
        }
        long now = System.nanoTime();
        try (BatchStatements s = new BatchStatements(writer)) {
            for (Map.Entry<Long, JournalEnd> e : journalEnds.entrySet()) {
                if (e.getValue().pending >= 0) {
                    IndexWriter.setJournalEnd(s, e.getKey(), e.getValue().pending);
                }
            }
            writer.commit();
        } catch (SQLException | RuntimeException e) { // the store closes whatever this did
            rollback();
            LOG.warn("cannot note how far the index holds the recording files (the next open catches it up from them): {}",
                    rootMessage(e));
            return;
        }
        for (JournalEnd j : journalEnds.values()) {
            if (j.pending >= 0) {
                j.pending = -1;
                j.writtenAt = now;
            }
        }
    }

    /**
     * Why retrying is pointless, or null: the database was closed under the writer (H2 closes it when its own write
     * fails) or the disk holding the folder is full. Retries then only let the relay run on unrecorded.
     */
    private String diskFull(SQLException e) {
        long free;
        try {
            free = Files.getFileStore(directory).getUsableSpace();
        } catch (java.io.IOException | RuntimeException unknown) {
            free = Long.MAX_VALUE;
        }
        if (free < Journal.RESERVE_BYTES) {
            return "the disk holding " + directory + " is full (" + free + " bytes free): " + rootMessage(e);
        }
        if (e.getErrorCode() == 90098) {
            return "the index " + directory.resolve(H2RecordingStore.FILE_NAME + ".mv.db") + " was closed after a failed write: " + rootMessage(e);
        }
        return null;
    }

    String stopRecording(Throwable cause) {
        if (stopped) {
            return "";
        }
        stopped = true;
        journal.useReserve();
        payloads.rolledBack();
        long now = java.time.Instant.now().toEpochMilli() * 1000;
        List<JournalEntry> ends = new ArrayList<>();
        for (Map.Entry<Long, Long> open : recordedUpTo.entrySet()) {
            ends.add(IndexWriter.end(open.getKey(), new SessionEnd(now, null, null, ClosedBy.PROXY, "recording stopped: "
                    + rootMessage(cause) + "; frames from seq " + (open.getValue() + 1) + " on were relayed but not recorded,"
                    + " and the proxy stopped reading")));
        }
        if (ends.isEmpty()) {
            return "no session was open";
        }
        int noted = 0;
        long[][] where = new long[ends.size()][];
        List<JournalEntry> written = new ArrayList<>();
        for (JournalEntry end : ends) {
            try {
                long[] offsets = journal.append(end.sessionId(), List.of(end));
                where[written.size()] = new long[] {offsets[0], offsets[1]};
                written.add(end);
                noted++;
            } catch (java.io.IOException | RuntimeException e) {
                LOG.warn("cannot end session {} in its recording file: {}", end.sessionId(), e.getMessage());
            }
        }
        try (BatchStatements s = new BatchStatements(writer)) {
            Set<Long> ended = new HashSet<>();
            for (int i = 0; i < written.size(); i++) {
                IndexWriter.apply(s, written.get(i), where[i][0]);
                IndexWriter.setJournalEnd(s, written.get(i).sessionId(), where[i][1]);
                ended.add(written.get(i).sessionId());
            }
            for (Map.Entry<Long, JournalEnd> held : journalEnds.entrySet()) { // sessions whose end could not be written
                if (!ended.contains(held.getKey()) && held.getValue().pending >= 0) {
                    IndexWriter.setJournalEnd(s, held.getKey(), held.getValue().pending);
                }
            }
            writer.commit();
            journalEnds.clear();
        } catch (SQLException | RuntimeException e) {
            rollback(); // the recording files have them: the next open indexes them
        }
        recordedUpTo.clear();
        return noted + " of " + ends.size() + " open sessions were ended in their recording files with the first seq not"
                + " recorded";
    }

    /** Records that session {@code replayId} replays {@code originalId}, in the replay's recording file and the index. */
    void link(long replayId, long originalId) throws RecordingException {
        List<JournalEntry> entries = List.of(IndexWriter.replay(replayId, originalId));
        long[][] where;
        try {
            where = journal(entries);
        } catch (java.io.IOException e) {
            throw new RecordingException("cannot link replay " + replayId + " to session " + originalId + ": " + e.getMessage(), e);
        }
        index(entries, where);
    }

    private void rollback() {
        try {
            writer.rollback();
        } catch (SQLException e) {
            LOG.warn("rollback failed: {}", e.getMessage());
        }
    }
}
