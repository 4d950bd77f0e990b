package dev.sockscope.recordings;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A store's frame reads (pages, single frames, answers, figures), each over one session's blocks through one connection. */
final class FrameReads {
    private static final Logger LOG = LoggerFactory.getLogger(FrameReads.class);

    private final DataSource source;
    private final Dialect dialect;
    private final PayloadFiles payloads;
    private final SessionQueries sessions;
    private final String storeName;
    private final ReadFailure failure;
    private volatile Boolean hasSignatures;

    FrameReads(DataSource source, Dialect dialect, PayloadFiles payloads, SessionQueries sessions, String storeName,
            ReadFailure failure) {
        this.source = source;
        this.dialect = dialect;
        this.payloads = payloads;
        this.sessions = sessions;
        this.storeName = storeName;
        this.failure = failure;
    }

    FramePage frames(long sessionId, FrameQuery query) throws RecordingException {
        return search(sessionId, s -> s.page(query));
    }

    Optional<StoredFrame> frame(long sessionId, long seq) throws RecordingException {
        return search(sessionId, s -> s.frame(seq));
    }

    Optional<StoredFrame> answerTo(long sessionId, long requestSeq) throws RecordingException {
        return search(sessionId, s -> s.answerTo(requestSeq));
    }

    SessionStats stats(long sessionId, int maxBuckets) throws RecordingException {
        long started = sessions.session(sessionId).map(r -> r.info().startedAtMicros()).orElse(0L);
        return search(sessionId, s -> s.stats(started, maxBuckets));
    }

    /** Runs {@code work} over one session's blocks, with the requests it ended without answering. */
    private <T> T search(long sessionId, SearchWork<T> work) throws RecordingException {
        try (Connection c = source.getConnection()) {
            Set<Long> unanswered = new HashSet<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT unanswered FROM sessions WHERE id = ?")) {
                ps.setLong(1, sessionId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next() && rs.getString(1) != null) {
                        unanswered.addAll(SessionQueries.unanswered(rs.getString(1)));
                    }
                }
            }
            return work.run(new FrameSearch(new SessionBlocks(c, sessionId, payloads, signed(c)), unanswered));
        } catch (SQLException | IllegalArgumentException e) {
            throw failure.of("cannot read frames of session " + sessionId, e);
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
                if (!dialect.missingColumn(e)) {
                    // Not an older schema but a failed read: this search reads every block; the next one asks again.
                    LOG.warn("cannot tell whether {} has text signatures ({}); this search reads every block", storeName, e.getMessage());
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
}
