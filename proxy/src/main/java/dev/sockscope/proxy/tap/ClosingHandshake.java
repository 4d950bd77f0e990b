package dev.sockscope.proxy.tap;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;

import dev.sockscope.wire.ClosedBy;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.MicroClock;
import dev.sockscope.wire.RecordedFrame;

/**
 * The proxy's own close of a {@link PassThroughSession} (shutdown, idle timeout, the user's close): its close frame
 * sent at a frame boundary of each direction, the peers' answers awaited, and the connections closed once both have
 * answered or {@link PassThroughSession#CLOSE_DEADLINE} has passed (that deadline also bounds a half-closed TCP
 * connection). Its state is guarded by the session's lock: methods that say so are called under it, the others take it.
 */
final class ClosingHandshake {
    private final PassThroughSession session;
    private final long id;
    private final MicroClock clock;
    private final Sockets sockets;
    private final Map<Direction, Passage> passages;

    // Guarded by the session's lock.
    private int code;
    private String reason;
    private boolean deadlineSet;
    private boolean closing;

    ClosingHandshake(PassThroughSession session, long id, MicroClock clock, Sockets sockets, Map<Direction, Passage> passages) {
        this.session = session;
        this.id = id;
        this.clock = clock;
        this.sockets = sockets;
        this.passages = passages;
    }

    /** True once the proxy has decided to close the session; called under the session's lock. */
    boolean closing() {
        return closing;
    }

    /** Starts the proxy's close with {@code code} and {@code reason}; false when it has started already. Under the session's lock. */
    boolean begin(int code, String reason) {
        if (closing) {
            return false;
        }
        closing = true;
        this.code = code;
        this.reason = reason;
        return true;
    }

    /** Each direction whose sender has not closed gets the proxy's close; called under the session's lock, after {@link #begin}. */
    void wantCloses() {
        for (Passage p : passages.values()) {
            // A sender that has closed already gets no close of ours on top of its own.
            if (!p.eof && !p.closeSeen) {
                p.closeWanted = true;
            }
        }
    }

    /**
     * A read of {@code p}'s sender while the proxy's close waits to go out in that direction; returns what to write.
     * Called under the session's lock.
     */
    ByteBuffer[] readWhileClosing(Passage p, ByteBuffer read, List<RecordedFrame> frames) {
        // Forward up to the end of the frame in progress, then the proxy's close, then nothing more.
        int upTo = p.tap.feed(read, true, frames);
        ByteBuffer head = read.duplicate();
        head.limit(head.position() + upTo);
        boolean boundary = p.tap.atFrameBoundary();
        if (frames.stream().anyMatch(f -> f.type() == FrameType.CLOSE)) {
            // The sender closed first: its own close goes through, and the proxy's would be one too many.
            p.closeWanted = false;
            ByteBuffer rest = read.duplicate();
            rest.position(read.position() + upTo);
            p.tap.feed(rest, false, frames);
            return new ByteBuffer[] {read.duplicate()};
        }
        if (boundary) {
            p.swallowing = true;
            p.tap.relayStopped("not relayed: sent after the proxy closed the session");
            frames.add(injectedClose(p.direction));
            ByteBuffer rest = read.duplicate();
            rest.position(read.position() + upTo);
            p.tap.feed(rest, false, frames);
            return new ByteBuffer[] {head, closeFrame(p.direction)};
        }
        return new ByteBuffer[] {head};
    }

    /** Sends the proxy's close in direction {@code d} now if it is wanted, nothing is being written and a frame just ended. */
    void maybeInject(Direction d) {
        Passage p = passages.get(d);
        ByteBuffer close;
        synchronized (session) {
            if (p.closeSeen && !p.writing && p.mode != null && p.mode.sentAll()) {
                p.closeWanted = false; // its sender's own close went through: the proxy's would be one too many
            }
            if (!p.closeWanted || p.swallowing || p.writing || p.eof || p.closeSeen
                    || (p.mode == null ? !p.tap.atFrameBoundary() : p.mode.passUntilBoundary || !p.mode.outboxEmpty())) {
                return;
            }
            if (p.mode != null) {
                for (RecordedFrame f : p.mode.abandon("not relayed: the session was closed while it waited")) {
                    session.queue(p, f, true);
                }
            }
            p.swallowing = true;
            p.tap.relayStopped("not relayed: sent after the proxy closed the session");
            p.writing = true;
            close = closeFrame(d);
            session.queue(p, injectedClose(d), false);
        }
        sockets.write(d, new ByteBuffer[] {close}, failure -> session.written(d, failure));
    }

    /** After the proxy's close: once each peer has sent its close (or gone), the connections are closed. */
    void maybeFinishClose() {
        boolean done;
        synchronized (session) {
            if (!closing) {
                return;
            }
            done = true;
            for (Passage p : passages.values()) {
                // Each sender has answered (or closed first, or gone), and our close, if it needs one, is out.
                done &= !p.writing && (p.eof || (p.closeSeen && (!p.closeWanted || p.swallowing)));
            }
        }
        if (done) {
            session.hangUp();
        }
    }

    void armDeadline() {
        synchronized (session) {
            if (deadlineSet || session.ended()) {
                return;
            }
            deadlineSet = true;
        }
        sockets.schedule(PassThroughSession.CLOSE_DEADLINE, () -> {
            synchronized (session) {
                if (session.ended()) {
                    return;
                }
                if (closing) {
                    for (Passage p : passages.values()) {
                        if (!p.closeSeen && !p.eof) {
                            session.noteEnding(ClosedBy.PROXY, null, null, "the " + PassThroughSession.name(p.direction)
                                    + " did not answer the proxy's close within " + PassThroughSession.CLOSE_DEADLINE.toSeconds() + " s");
                        }
                    }
                } else {
                    session.noteEnding(ClosedBy.PROXY, null, null, "one side closed TCP and the other did not follow within "
                            + PassThroughSession.CLOSE_DEADLINE.toSeconds() + " s");
                }
            }
            session.hangUp();
        });
    }

    /** The proxy's close frame as written to the receiver of {@code d}. */
    private ByteBuffer closeFrame(Direction d) {
        return ProxyClose.frame(d, code, reason);
    }

    /** The proxy's close frame as recorded in direction {@code d}. */
    private RecordedFrame injectedClose(Direction d) {
        return ProxyClose.recorded(id, clock.nowMicros(), d, code, reason);
    }
}
