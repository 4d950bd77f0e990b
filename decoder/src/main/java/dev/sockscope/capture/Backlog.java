package dev.sockscope.capture;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * What is waiting to be written: events queued before the recorder (the capture queue and the decoding stage's queue
 * behind it), the sessions they belong to, and their bytes.
 */
public record Backlog(int sessions, long frames, long bytes) {
    public static final Backlog NONE = new Backlog(0, 0, 0);

    /** {@code 3 sessions, 1200 frames, 84.0 MiB}. */
    public String describe() {
        return sessions + (sessions == 1 ? " session, " : " sessions, ") + frames + (frames == 1 ? " frame, " : " frames, ")
                + String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }

    /** Adds queued events up; a session counts once however many queues hold it. */
    public static final class Counter {
        private final Set<Long> sessions = new HashSet<>();
        private long frames;
        private long bytes;

        public void session(long id) {
            sessions.add(id);
        }

        public void frame(long session, long payloadBytes) {
            sessions.add(session);
            frames++;
            bytes += payloadBytes;
        }

        /** Adds what {@code other} counted (a session in both counts once). */
        public void add(Counter other) {
            sessions.addAll(other.sessions);
            frames += other.frames;
            bytes += other.bytes;
        }

        public Backlog total() {
            return new Backlog(sessions.size(), frames, bytes);
        }
    }
}
