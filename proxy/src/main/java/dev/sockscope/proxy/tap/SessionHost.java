package dev.sockscope.proxy.tap;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.Provenance;
import dev.sockscope.wire.RecordedFrame;

/**
 * What the intercepted directions of a {@link PassThroughSession} ask of it: recording, writing, closing, and what
 * rules do to the session (answer the sender, abort, stall or throttle a direction). They ask under the session's
 * lock; whatever writes, closes or resumes reading runs on the timer once the lock is let go.
 */
final class SessionHost implements InterceptedDirection.Host {
    private final PassThroughSession session;
    private final Sockets sockets;
    private final ReadGates gates;

    SessionHost(PassThroughSession session, Sockets sockets, ReadGates gates) {
        this.session = session;
        this.sockets = sockets;
        this.gates = gates;
    }

    @Override
    public Object lock() {
        return session;
    }

    @Override
    public void record(Direction d, RecordedFrame frame, boolean written) {
        session.record(d, frame, written);
    }

    @Override
    public void closeSession(int code, String reason, String why) {
        later(Duration.ZERO, () -> session.closeByProxy(code, reason, why));
    }

    @Override
    public void flush(Direction d) {
        session.flush(d);
    }

    @Override
    public void answer(Direction to, FrameType type, byte[] payload, RecordedFrame recorded) {
        later(Duration.ZERO, () -> {
            if (!session.send(to, type, payload, recorded, null)) {
                session.record(to, recorded.withProvenance(recorded.provenance().with(Provenance.Delivery.NOT_SENT)), true);
            }
        });
    }

    @Override
    public void abort(String why) {
        later(Duration.ZERO, () -> session.abort(why));
    }

    @Override
    public void stall(Direction d, Duration duration, CompletableFuture<Void> releasedBy) {
        gates.stall(d, duration, releasedBy); // at once: the answer to the message being carried must meet a closed gate
    }

    @Override
    public void throttle(Direction d, long bytesPerSecond) {
        gates.throttle(d, bytesPerSecond);
    }

    @Override
    public void later(Duration delay, Runnable task) {
        sockets.schedule(delay, task);
    }
}
