package dev.sockscope.recordings;

import java.util.List;
import java.util.Optional;

import dev.sockscope.wire.CaptureEvent;
import dev.sockscope.wire.RecordedFrame;

/** Where sessions and frames are kept. One real implementation: {@link H2RecordingStore}. */
public interface RecordingStore extends AutoCloseable {

    /** An id no stored session has; ids handed out by one store never repeat. */
    long nextSessionId();

    /** Writes a batch of events in order, in one transaction. */
    void append(List<CaptureEvent> events) throws RecordingException;

    /** Sessions, newest first. */
    List<SessionRecord> sessions(int limit) throws RecordingException;

    Optional<SessionRecord> session(long id) throws RecordingException;

    /** Frames of a session in order, starting after {@code afterSeq}, at most {@code limit}. */
    List<RecordedFrame> frames(long sessionId, long afterSeq, int limit) throws RecordingException;

    @Override
    void close();
}
