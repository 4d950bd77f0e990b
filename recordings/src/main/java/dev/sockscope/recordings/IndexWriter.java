package dev.sockscope.recordings;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.sockscope.decode.DecodedEvent;
import dev.sockscope.decode.ProtocolChoice;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.Handshake;
import dev.sockscope.wire.Header;
import dev.sockscope.wire.RecordedFrame;
import dev.sockscope.wire.SessionEnd;
import dev.sockscope.wire.SessionInfo;

/**
 * The writer's two steps: decoded events become {@link JournalEntry entries} ({@link #plan}: frames grouped per
 * session into blocks, encoded, compressed, large payloads appended to their files), and entries become rows of the
 * index ({@link #apply}), live or replayed from the recording files.
 */
final class IndexWriter {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A block row whose compression is at least this holds where its record starts in the session's file. */
    static final int JOURNALED = 16;
    /** A block is written once its frames reach this size (and at the end of every batch). */
    static final int BLOCK_TARGET_BYTES = 256 * 1024;
    /** A block's distinct labels are kept for skipping only up to this many (a block of mostly distinct labels is read). */
    private static final int MAX_BLOCK_LABELS = 64;

    static final String INSERT_SESSION = """
            INSERT INTO sessions (id, listen, upstream, path, query, client_address, request_headers,
                handshake_status, response_headers, subprotocol, extensions, started_at, recorder_pid, recorder_started_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";
    /** {@link #INSERT_SESSION} with {@code journal_end} 0 ({@link #applyRecorded}). */
    private static final String INSERT_RECORDED_SESSION = """
            INSERT INTO sessions (id, listen, upstream, path, query, client_address, request_headers,
                handshake_status, response_headers, subprotocol, extensions, started_at, recorder_pid, recorder_started_at,
                journal_end)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)""";
    /** {@link #INSERT_RECORDED_SESSION} with the protocol chosen in the batch that opens the session ({@link #applyOpened}). */
    private static final String INSERT_RECORDED_SESSION_WITH_PROTOCOL = """
            INSERT INTO sessions (id, listen, upstream, path, query, client_address, request_headers,
                handshake_status, response_headers, subprotocol, extensions, started_at, recorder_pid, recorder_started_at,
                protocol, protocol_reason, handshake_decoded, journal_end)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)""";
    private static final String SET_PROTOCOL = "UPDATE sessions SET protocol = ?, protocol_reason = ?, handshake_decoded = ? WHERE id = ?";
    static final String END_SESSION = """
            UPDATE sessions SET ended_at = ?, close_code = ?, close_reason = ?, closed_by = ?, error = ?
            WHERE id = ?""";
    private static final String SET_UNANSWERED = "UPDATE sessions SET unanswered = ? WHERE id = ?";
    private static final String SET_UNANSWERED_AND_JOURNAL_END = "UPDATE sessions SET unanswered = ?, journal_end = ? WHERE id = ?";
    /** {@link #SET_PROTOCOL}, {@link #END_SESSION} and {@link #SET_UNANSWERED_AND_JOURNAL_END} in one ({@link #applyEnded}). */
    private static final String END_SESSION_WITH_PROTOCOL_AND_JOURNAL_END = """
            UPDATE sessions SET protocol = ?, protocol_reason = ?, handshake_decoded = ?, ended_at = ?, close_code = ?,
                close_reason = ?, closed_by = ?, error = ?, unanswered = ?, journal_end = ?
            WHERE id = ?""";
    /** {@link #END_SESSION} and {@link #SET_UNANSWERED_AND_JOURNAL_END} in one ({@link #applyEnded}). */
    private static final String END_SESSION_AND_JOURNAL_END = """
            UPDATE sessions SET ended_at = ?, close_code = ?, close_reason = ?, closed_by = ?, error = ?, unanswered = ?,
                journal_end = ?
            WHERE id = ?""";
    private static final String INSERT_BLOCK = """
            INSERT INTO frame_blocks (session_id, first_seq, last_seq, frame_count, first_time_us, last_time_us, data, data_lob, compression)
            VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?)""";
    private static final String INSERT_INDEX = """
            INSERT INTO block_index (session_id, first_seq, last_seq, frame_count, first_time_us, last_time_us,
                directions, types, kinds, warned, labels, entries, client_frames, client_bytes, server_frames, server_bytes, grams)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";
    private static final String LINK_REPLAY = "MERGE INTO replays (replay_id, original_id) KEY (replay_id) VALUES (?, ?)";
    private static final String SET_JOURNAL_END = "UPDATE sessions SET journal_end = ? WHERE id = ?";

    private final BlockCompression.Compressor compressor = new BlockCompression.Compressor();
    private final PayloadFiles payloads;
    private final long pid;
    private final Long processStarted;
    /**
     * Whether blocks are encoded when their entries are written to a recording file ({@link BlockBody}: a folder's
     * writer), not when they are planned (a block's bytes in an array of their own: a team store's rows).
     */
    private final boolean journaled;

    IndexWriter(PayloadFiles payloads, long pid, Long processStarted) {
        this(payloads, pid, processStarted, false);
    }

    IndexWriter(PayloadFiles payloads, long pid, Long processStarted, boolean journaled) {
        this.payloads = payloads;
        this.pid = pid;
        this.processStarted = processStarted;
        this.journaled = journaled;
    }

    /**
     * The entries for a batch of events, in order (frames of one session grouped into blocks, in their order). With
     * {@code journaled}, the previous batch's entries must have been written (or given up) first: its blocks were
     * compressed as they were written.
     */
    List<JournalEntry> plan(List<DecodedEvent> events) throws IOException {
        compressor.writesDone();
        List<JournalEntry> out = new ArrayList<>();
        Map<Long, List<StoredFrame>> pending = new LinkedHashMap<>();
        Map<Long, Integer> pendingBytes = new HashMap<>();
        // A session this batch opens starts its row with the last protocol the batch chose for it (its data frames
        // usually choose in the batch that opened it): its SESSION record is followed by that one PROTOCOL record,
        // which the writer folds into the row's INSERT. Each choice sets all three columns, so the last one is the row's.
        Map<Long, JournalEntry> openedWith = new HashMap<>();
        // For a session opened before: where this batch's PROTOCOL record is, for a later choice to replace.
        Map<Long, Integer> protocolAt = new HashMap<>();
        for (DecodedEvent event : events) {
            if (event instanceof DecodedEvent.SessionStarted started) {
                out.add(session(started.session()));
                openedWith.put(started.sessionId(), started.protocol() == null ? null : protocol(started.sessionId(), started.protocol()));
            } else if (event instanceof DecodedEvent.ProtocolChosen chosen) {
                JournalEntry entry = protocol(chosen.sessionId(), chosen.choice());
                if (openedWith.containsKey(chosen.sessionId())) {
                    openedWith.put(chosen.sessionId(), entry);
                } else if (protocolAt.containsKey(chosen.sessionId())) {
                    out.set(protocolAt.get(chosen.sessionId()), entry);
                } else {
                    protocolAt.put(chosen.sessionId(), out.size());
                    out.add(entry);
                }
            } else if (event instanceof DecodedEvent.FrameDecoded frame) {
                RecordedFrame f = frame.frame();
                pending.computeIfAbsent(f.sessionId(), k -> new ArrayList<>()).add(new StoredFrame(f, frame.decoding()));
                int inBlock = PayloadFiles.external(f.payload()) ? 0 : f.payload().length;
                int bytes = pendingBytes.merge(f.sessionId(), inBlock + 32, Integer::sum);
                if (bytes >= BLOCK_TARGET_BYTES) {
                    out.add(block(pending.remove(f.sessionId())));
                    pendingBytes.remove(f.sessionId());
                }
            } else if (event instanceof DecodedEvent.SessionEnded ended) {
                // Frames queued before the close land before the session is marked ended.
                List<StoredFrame> rest = pending.remove(ended.sessionId());
                pendingBytes.remove(ended.sessionId());
                if (rest != null) {
                    out.add(block(rest));
                }
                if (journaled) {
                    compressor.forgetAfterWrites(ended.sessionId()); // its blocks are compressed when written
                } else {
                    compressor.forget(ended.sessionId());
                }
                payloads.forget(ended.sessionId());
                // A session that ends undecided is decided at its end: that choice goes right before its END record,
                // which the writer folds into the ending UPDATE (its place is left empty, dropped below).
                Integer at = protocolAt.remove(ended.sessionId());
                if (at != null && ended.end() != null) {
                    out.add(out.get(at));
                    out.set(at, null);
                }
                if (ended.end() != null) {
                    out.add(end(ended.sessionId(), ended.end()));
                }
                out.add(JournalEntry.of(JournalEntry.Kind.UNANSWERED, ended.sessionId(),
                        ended.unanswered().isEmpty() ? null : json(ended.unanswered())));
            }
        }
        for (List<StoredFrame> rest : pending.values()) {
            out.add(block(rest));
        }
        return withProtocols(out, openedWith);
    }

    /** {@code out} with each opened session's PROTOCOL record right behind its SESSION record, and no moved record's place. */
    private static List<JournalEntry> withProtocols(List<JournalEntry> out, Map<Long, JournalEntry> openedWith) {
        if (openedWith.isEmpty() && !out.contains(null)) {
            return out;
        }
        List<JournalEntry> all = new ArrayList<>(out.size() + openedWith.size());
        for (JournalEntry e : out) {
            if (e == null) {
                continue;
            }
            all.add(e);
            JournalEntry protocol = e.kind() == JournalEntry.Kind.SESSION ? openedWith.get(e.sessionId()) : null;
            if (protocol != null) {
                all.add(protocol);
            }
        }
        return all;
    }

    private JournalEntry session(SessionInfo s) {
        Handshake h = s.handshake();
        return JournalEntry.of(JournalEntry.Kind.SESSION, s.id(), s.id(), s.listen(), s.upstream(), h.path(), h.query(),
                s.clientAddress(), headersToJson(h.requestHeaders()), (long) h.status(), headersToJson(h.responseHeaders()),
                h.subprotocol(), h.extensions().isEmpty() ? null : String.join(", ", h.extensions()), s.startedAtMicros(),
                pid, processStarted);
    }

    private static JournalEntry protocol(long sessionId, ProtocolChoice choice) {
        return JournalEntry.of(JournalEntry.Kind.PROTOCOL, sessionId, choice.protocol(), choice.reason(),
                choice.handshake() == null ? null : choice.handshake().toString());
    }

    static JournalEntry end(long sessionId, SessionEnd end) {
        return JournalEntry.of(JournalEntry.Kind.END, sessionId, end.endedAtMicros(),
                end.closeCode() == null ? null : (long) end.closeCode(), end.closeReason(),
                end.closedBy() == null ? null : end.closedBy().label(), end.error());
    }

    static JournalEntry replay(long replayId, long originalId) {
        return JournalEntry.of(JournalEntry.Kind.REPLAY, replayId, originalId);
    }

    private JournalEntry block(List<StoredFrame> frames) throws IOException {
        RecordedFrame first = frames.get(0).frame();
        RecordedFrame last = frames.get(frames.size() - 1).frame();
        long sessionId = first.sessionId();
        Object data; // the block's bytes, or what makes them where they are written
        long compression;
        boolean leavesOutText;
        try {
            FrameBlockCodec.PayloadSink large = payload -> payloads.append(sessionId, payload);
            if (journaled) {
                BlockBody body = BlockBody.of(sessionId, frames, large, compressor);
                data = body;
                compression = body.plannedCompression(); // settled when written (JournalEntry#encodeInto)
                leavesOutText = body.leavesOutText();
            } else {
                byte[] encoded = FrameBlockCodec.encode(frames, large);
                BlockCompression.Stored stored = compressor.compress(sessionId, encoded);
                data = stored.bytes();
                compression = stored.compression();
                leavesOutText = FrameBlockCodec.leavesOutText(encoded);
            }
        } catch (IOException e) {
            throw new IOException("cannot write a large payload of session " + sessionId + " to "
                    + payloads.file(sessionId) + ": " + e.getMessage(), e);
        }
        byte[] grams = leavesOutText ? null : TextGrams.of(frames);

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
        String labelText = labels.size() > MAX_BLOCK_LABELS || labels.stream().anyMatch(l -> l.indexOf('\n') >= 0)
                ? null : String.join("\n", labels);
        return JournalEntry.of(JournalEntry.Kind.BLOCK, sessionId, first.seq(), last.seq(), (long) frames.size(),
                first.timeMicros(), last.timeMicros(), compression,
                firstTime, lastTime, (long) directions, (long) types, (long) kinds, (long) warned, labelText,
                BlockIndexCodec.encode(summaries), traffic[0], traffic[1], traffic[2], traffic[3], grams, data);
    }

    /** Writes one entry's rows; {@code offset} is where its record starts in the session's recording file. */
    static void apply(Connection c, JournalEntry e, long offset) throws SQLException {
        try (BatchStatements s = new BatchStatements(c)) {
            apply(s, e, offset);
        }
    }

    /** As {@link #apply(Connection, JournalEntry, long)}, with the statements of the transaction it is part of. */
    static void apply(BatchStatements s, JournalEntry e, long offset) throws SQLException {
        List<Object> v = e.values();
        long id = e.sessionId();
        switch (e.kind()) {
            case SESSION -> s.update(INSERT_SESSION, v.toArray());
            case PROTOCOL -> s.update(SET_PROTOCOL, v.get(0), v.get(1), v.get(2), id);
            case END -> s.update(END_SESSION, v.get(0), v.get(1), v.get(2), v.get(3), v.get(4), id);
            case UNANSWERED -> s.update(SET_UNANSWERED, v.get(0), id);
            case REPLAY -> s.update(LINK_REPLAY, id, v.get(0));
            case BLOCK -> {
                byte[] where = ByteBuffer.allocate(8).putLong(offset).array();
                s.update(INSERT_BLOCK, id, v.get(0), v.get(1), v.get(2), v.get(3), v.get(4), where,
                        ((Number) v.get(5)).longValue() + JOURNALED);
                s.update(INSERT_INDEX, id, v.get(0), v.get(1), v.get(2), v.get(6), v.get(7), v.get(8), v.get(9), v.get(10),
                        v.get(11), v.get(12), v.get(13), v.get(14), v.get(15), v.get(16), v.get(17), v.get(18));
            }
            default -> throw new SQLException("unknown entry " + e.kind());
        }
    }

    /**
     * As {@link #apply(BatchStatements, JournalEntry, long)}, for the recording writer, which saves statements on the
     * session's {@code journal_end} ({@link JournaledWriter}): a new session's row starts with 0 (its file not yet
     * counted as indexed), so that from its first commit on it is a session the catch-up rebuilds from its file should
     * its recorder die before writing a journal end ({@link JournalReplay#leftOpen}); and an ended session's last record
     * (its unanswered requests) writes {@code journalEnd} with it, when that is not negative. Whether it did.
     */
    static boolean applyRecorded(BatchStatements s, JournalEntry e, long offset, long journalEnd) throws SQLException {
        if (e.kind() == JournalEntry.Kind.SESSION) {
            s.update(INSERT_RECORDED_SESSION, e.values().toArray());
        } else if (e.kind() == JournalEntry.Kind.UNANSWERED && journalEnd >= 0) {
            s.update(SET_UNANSWERED_AND_JOURNAL_END, e.values().get(0), journalEnd, e.sessionId());
            return true;
        } else {
            apply(s, e, offset);
        }
        return false;
    }

    /**
     * A session's SESSION record and the PROTOCOL record after it (the last choice of the batch that opened it), as
     * {@link #plan} has them for a session decided by its handshake or first frames: one INSERT, with {@code journal_end}
     * 0 as {@link #applyRecorded} writes it, where that has an INSERT and an UPDATE (H2 writes the whole row anew for the
     * UPDATE).
     */
    static void applyOpened(BatchStatements s, JournalEntry session, JournalEntry protocol) throws SQLException {
        List<Object> v = new ArrayList<>(session.values());
        v.addAll(protocol.values());
        s.update(INSERT_RECORDED_SESSION_WITH_PROTOCOL, v.toArray());
    }

    /**
     * A session's END record and the UNANSWERED record after it, as the recording writer has them at the end of every
     * session: one UPDATE of its row, with {@code journalEnd}, where {@link #apply} has two (H2 writes the whole row
     * anew for each, and visits it again when the transaction commits).
     */
    static void applyEnded(BatchStatements s, JournalEntry end, JournalEntry unanswered, long journalEnd) throws SQLException {
        List<Object> v = end.values();
        s.update(END_SESSION_AND_JOURNAL_END, v.get(0), v.get(1), v.get(2), v.get(3), v.get(4), unanswered.values().get(0),
                journalEnd, end.sessionId());
    }

    /** As {@link #applyEnded(BatchStatements, JournalEntry, JournalEntry, long)}, with the PROTOCOL record before the END. */
    static void applyEnded(BatchStatements s, JournalEntry protocol, JournalEntry end, JournalEntry unanswered, long journalEnd)
            throws SQLException {
        List<Object> p = protocol.values();
        List<Object> v = end.values();
        s.update(END_SESSION_WITH_PROTOCOL_AND_JOURNAL_END, p.get(0), p.get(1), p.get(2), v.get(0), v.get(1), v.get(2), v.get(3),
                v.get(4), unanswered.values().get(0), journalEnd, end.sessionId());
    }

    /**
     * As {@link #apply}, leaving out rows the index already has: a catch-up after a kill replays records whose rows were
     * committed before the index's note of how far it had read. Asking first means no statement of the catch-up fails
     * (a failed insert in the middle of H2's transaction was followed, about once in a hundred kills, by the next
     * update spinning in H2's row lock for good).
     */
    static void applyMissing(Connection c, JournalEntry e, long offset) throws SQLException {
        long id = e.sessionId();
        switch (e.kind()) {
            case SESSION -> {
                if (!exists(c, "SELECT 1 FROM sessions WHERE id = ?", id)) {
                    apply(c, e, offset);
                }
            }
            case BLOCK -> {
                List<Object> v = e.values();
                long firstSeq = ((Number) v.get(0)).longValue();
                boolean block = exists(c, "SELECT 1 FROM frame_blocks WHERE session_id = ? AND first_seq = ?", id, firstSeq);
                boolean index = exists(c, "SELECT 1 FROM block_index WHERE session_id = ? AND first_seq = ?", id, firstSeq);
                if (!block && !index) {
                    apply(c, e, offset);
                } else if (block != index) {
                    throw new SQLException("the index holds half of the block at seq " + firstSeq + " of session " + id
                            + " (" + (block ? "its frames but not their summary" : "its summary but not its frames") + ")");
                }
            }
            default -> apply(c, e, offset); // updates and a merge: the same result applied twice
        }
    }

    private static boolean exists(Connection c, String sql, Object... values) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                ps.setObject(i + 1, values[i]);
            }
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** How much of the session's recording file the index now holds. */
    static void setJournalEnd(Connection c, long sessionId, long end) throws SQLException {
        try (BatchStatements s = new BatchStatements(c)) {
            setJournalEnd(s, sessionId, end);
        }
    }

    static void setJournalEnd(BatchStatements s, long sessionId, long end) throws SQLException {
        s.update(SET_JOURNAL_END, end, sessionId);
    }

    /** The seqs of requests never answered, as a JSON array ({@code [3,7]}), read back with Jackson too. */
    private static String json(List<Long> seqs) throws IOException {
        try {
            return JSON.writeValueAsString(seqs);
        } catch (JsonProcessingException e) {
            throw new IOException("cannot write unanswered requests as JSON: " + e.getOriginalMessage(), e);
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
}
