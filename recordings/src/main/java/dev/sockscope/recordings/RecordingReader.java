package dev.sockscope.recordings;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.sockscope.wire.RecordedFrame;

/** The reading half of a store: sessions, frames, figures and replay links, as any reader of the store sees them. */
public interface RecordingReader extends AutoCloseable {

    /** Where the store is, for messages: a folder, or a database URL without its password. */
    String location();

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

    /** The session this one replayed, if it is a replay. */
    Optional<Long> replayOf(long sessionId) throws RecordingException;

    /** The replays of a session, oldest first. */
    List<Long> replaysOf(long sessionId) throws RecordingException;

    @Override
    void close();
}
