package dev.sockscope.ui.web;

import dev.sockscope.recordings.SessionRecord;
import dev.sockscope.recordings.StoredFrame;

/** What the live view is told: a session opened, changed protocol or ended; a frame was decoded. */
public sealed interface LiveEvent {
    long sessionId();

    record SessionChanged(SessionRecord session) implements LiveEvent {
        @Override
        public long sessionId() {
            return session.id();
        }
    }

    record FrameAdded(long sessionId, StoredFrame frame) implements LiveEvent {
    }
}
