package dev.sockscope.capture;

import dev.sockscope.wire.RecordedFrame;
import dev.sockscope.wire.SessionEnd;
import dev.sockscope.wire.SessionInfo;

/**
 * What the relay publishes, in past tense. Every subscriber (recorder, live feed, replay) receives the
 * same objects in the order the relay produced them for a given session.
 */
public sealed interface CaptureEvent {
    long sessionId();

    /** A client asked for an upgrade and the proxy answered it (with 101 or an error status). */
    record SessionOpened(SessionInfo session) implements CaptureEvent {
        @Override
        public long sessionId() {
            return session.id();
        }
    }

    /** A message or control frame crossed the proxy (or was refused by it; see {@link RecordedFrame#note()}). */
    record FrameCaptured(RecordedFrame frame) implements CaptureEvent {
        @Override
        public long sessionId() {
            return frame.sessionId();
        }
    }

    /** Both legs of the session are closed. */
    record SessionClosed(long sessionId, SessionEnd end) implements CaptureEvent {
    }
}
