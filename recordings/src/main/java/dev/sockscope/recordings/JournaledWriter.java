package dev.sockscope.recordings;

import static dev.sockscope.wire.Failures.rootMessage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

    private final Path directory;
    private final Connection writer;
    private final Journal journal;
    private final PayloadFiles payloads;
    private final IndexWriter indexWriter;
    /** Each session this writer opened and has not ended, and the seq of its last frame in its recording file. */
    private final Map<Long, Long> recordedUpTo = new HashMap<>();
    private boolean stopped;

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

    /** Appends each entry to its session's file; for each, where its record starts and ends. */
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
        for (int attempt = 0; attempt < RETRY_DELAYS_MS.length; attempt++) {
            try {
                Map<Long, Long> ends = new LinkedHashMap<>();
                for (int i = 0; i < entries.size(); i++) {
                    IndexWriter.apply(writer, entries.get(i), where[i][0]);
                    ends.put(entries.get(i).sessionId(), where[i][1]);
                }
                for (Map.Entry<Long, Long> e : ends.entrySet()) {
                    IndexWriter.setJournalEnd(writer, e.getKey(), e.getValue());
                }
                writer.commit();
                if (attempt > 0) {
                    LOG.info("a batch of {} records was indexed on attempt {}", entries.size(), attempt + 1);
                }
                return;
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
            }
        }
        // Still failing: index what can be indexed, one record at a time, so that one bad row costs one row.
        int failed = 0;
        SQLException first = null;
        for (int i = 0; i < entries.size(); i++) {
            try {
                IndexWriter.apply(writer, entries.get(i), where[i][0]);
                IndexWriter.setJournalEnd(writer, entries.get(i).sessionId(), where[i][1]);
                writer.commit();
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
        try {
            for (int i = 0; i < written.size(); i++) {
                IndexWriter.apply(writer, written.get(i), where[i][0]);
                IndexWriter.setJournalEnd(writer, written.get(i).sessionId(), where[i][1]);
            }
            writer.commit();
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
