package dev.sockscope.recordings;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.sockscope.decode.DecodedEvent;
import dev.sockscope.secrets.SecretMasker;
import dev.sockscope.wire.RecordedFrame;

/** Where sessions and frames are kept. One real implementation: {@link H2RecordingStore}. */
public interface RecordingStore extends AutoCloseable {

    /**
     * Masks secrets under this recordings folder's key (so that a token masks the same way in every session recorded
     * here); the key itself is never part of any stored or shown value.
     */
    SecretMasker masker();

    /** An id no stored session has; ids handed out by one store never repeat. */
    long nextSessionId();

    /** Writes a batch of decoded events (from the decoding stage, already masked) in order, in one transaction. */
    void append(List<DecodedEvent> events) throws RecordingException;

    /** Sessions, newest first. */
    List<SessionRecord> sessions(int limit) throws RecordingException;

    Optional<SessionRecord> session(long id) throws RecordingException;

    /** Frames of a session in order, starting after {@code afterSeq}, at most {@code limit}. */
    default List<RecordedFrame> frames(long sessionId, long afterSeq, int limit) throws RecordingException {
        return storedFrames(sessionId, afterSeq, limit).stream().map(StoredFrame::frame).toList();
    }

    /**
     * Frames with their decodings, in order, starting after {@code afterSeq}, at most {@code limit}. A limit above a
     * page's {@link FrameQuery#MAX_LIMIT} is read page by page, never cut short at one page.
     */
    default List<StoredFrame> storedFrames(long sessionId, long afterSeq, int limit) throws RecordingException {
        FramePage page = frames(sessionId, FrameQuery.after(afterSeq, Math.min(limit, FrameQuery.MAX_LIMIT)));
        if (page.frames().size() >= limit || page.next() == null) {
            return page.frames();
        }
        List<StoredFrame> all = new ArrayList<>(page.frames());
        while (all.size() < limit && page.next() != null && !page.frames().isEmpty()) {
            page = frames(sessionId, FrameQuery.after(page.next(), Math.min(limit - all.size(), FrameQuery.MAX_LIMIT)));
            all.addAll(page.frames());
        }
        return all;
    }

    /**
     * The store could not write a batch (a full disk) and the recording stops here: every session still open is ended
     * where its recording ends, with {@code cause} and the first seq not recorded, using the little room kept for this.
     * Returns one line that says what was done; never throws.
     */
    default String stopRecording(Throwable cause) {
        return "";
    }

    /** A page of sessions, newest first, filtered. */
    SessionPage sessions(SessionQuery query) throws RecordingException;

    /** A page of a session's frames that match the query's filter (empty for an unknown session). */
    FramePage frames(long sessionId, FrameQuery query) throws RecordingException;

    /** One frame of a session. */
    Optional<StoredFrame> frame(long sessionId, long seq) throws RecordingException;

    /** The frame that answers the request at {@code requestSeq} (its decoding correlates with it), if any. */
    Optional<StoredFrame> answerTo(long sessionId, long requestSeq) throws RecordingException;

    /** The session's figures for charts, with at most {@code maxBuckets} time buckets. */
    SessionStats stats(long sessionId, int maxBuckets) throws RecordingException;

    /** Deletes an ended session and its frames; refused while it is open or when this process only reads. */
    DeleteOutcome delete(long sessionId) throws RecordingException;

    /** Records that session {@code replayId} is a replay of session {@code originalId}. */
    void linkReplay(long replayId, long originalId) throws RecordingException;

    /** The session this one replayed, if it is a replay. */
    Optional<Long> replayOf(long sessionId) throws RecordingException;

    /** The replays of a session, oldest first. */
    List<Long> replaysOf(long sessionId) throws RecordingException;

    @Override
    void close();
}
