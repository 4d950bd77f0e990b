package dev.sockscope.recordings;

import java.util.List;

import dev.sockscope.decode.DecodedEvent;

/** The writing half of a store: new sessions and their frames, replay links, and deletes. */
public interface RecordingWriter extends AutoCloseable {

    /** An id no stored session has; ids handed out by one store never repeat. */
    long nextSessionId();

    /** Writes a batch of decoded events (from the decoding stage, already masked) in order, in one transaction. */
    void append(List<DecodedEvent> events) throws RecordingException;

    /**
     * The store could not write a batch (a full disk) and the recording stops here: every session still open is ended
     * where its recording ends, with {@code cause} and the first seq not recorded, using the little room kept for this.
     * Returns one line that says what was done; never throws.
     */
    default String stopRecording(Throwable cause) {
        return "";
    }

    /** Deletes an ended session and its frames; refused while it is open or when this process only reads. */
    DeleteOutcome delete(long sessionId) throws RecordingException;

    /** Stars or unstars a session (retention never deletes a starred one); refused when this process only reads. */
    StarOutcome star(long sessionId, boolean starred) throws RecordingException;

    /** Records that session {@code replayId} is a replay of session {@code originalId}. */
    void linkReplay(long replayId, long originalId) throws RecordingException;

    @Override
    void close();
}
