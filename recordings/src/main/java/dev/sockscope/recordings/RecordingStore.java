package dev.sockscope.recordings;

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

    /** Frames with their decodings, in order, starting after {@code afterSeq}, at most {@code limit}. */
    List<StoredFrame> storedFrames(long sessionId, long afterSeq, int limit) throws RecordingException;

    @Override
    void close();
}
