package dev.sockscope.decode;

import java.util.List;

import dev.sockscope.wire.RecordedFrame;
import dev.sockscope.wire.SessionEnd;
import dev.sockscope.wire.SessionInfo;

/**
 * What the decoding stage publishes, in past tense, in the order of the capture events it read: what a writer
 * stores, a live view shows and a replay compares. Secrets are already masked (unless the user kept them, and then
 * only in the payloads and handshake; decodings are masked either way).
 */
public sealed interface DecodedEvent {
    long sessionId();

    /** A session opened; {@code protocol} is set when the handshake (or the user's --protocol) already decided it. */
    record SessionStarted(SessionInfo session, ProtocolChoice protocol) implements DecodedEvent {
        @Override
        public long sessionId() {
            return session.id();
        }
    }

    /** The protocol of a session that started undecided: chosen by a frame's content, or at the end by default. */
    record ProtocolChosen(long sessionId, ProtocolChoice choice) implements DecodedEvent {
    }

    /** A frame and what the decoder made of it (label, kind, pairing, warnings). */
    record FrameDecoded(RecordedFrame frame, FrameDecoding decoding) implements DecodedEvent {
        @Override
        public long sessionId() {
            return frame.sessionId();
        }
    }

    /**
     * Both legs of the session closed ({@code end} null when the relay could not say how), with the seqs of the
     * requests that never got an answer, oldest first.
     */
    record SessionEnded(long sessionId, SessionEnd end, List<Long> unanswered) implements DecodedEvent {
        public SessionEnded {
            unanswered = List.copyOf(unanswered);
        }
    }
}
