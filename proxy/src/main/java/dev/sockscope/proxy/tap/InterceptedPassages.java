package dev.sockscope.proxy.tap;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.sockscope.proxy.intercept.InterceptPoint;
import dev.sockscope.proxy.intercept.SessionFacts;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.RecordedFrame;

/**
 * The directions of a {@link PassThroughSession} that are read message by message (intercepting, or injecting the
 * user's or a rule's messages): entering that mode, reading in it, and writing what their outboxes hold. Guarded by
 * the session's lock, which {@link #flush} takes on the session itself.
 */
final class InterceptedPassages {
    private final PassThroughSession session;
    private final Sockets sockets;
    private final Map<Direction, Passage> passages;
    private final NegotiatedExtensions extensions;
    private final long maxRecorded;
    private final InterceptPoint intercept;
    private final SessionFacts facts;
    private final SessionHost host;

    InterceptedPassages(PassThroughSession session, Sockets sockets, Map<Direction, Passage> passages,
                        NegotiatedExtensions extensions, long maxRecorded, InterceptPoint intercept, SessionFacts facts,
                        SessionHost host) {
        this.session = session;
        this.sockets = sockets;
        this.passages = passages;
        this.extensions = extensions;
        this.maxRecorded = maxRecorded;
        this.intercept = intercept;
        this.facts = facts;
        this.host = host;
    }

    /** Whether messages are being intercepted now (a breakpoint or a rule wants them one by one). */
    boolean active() {
        return intercept.active();
    }

    /** Starts reading {@code p} message by message; called under the session's lock. */
    InterceptedDirection enter(Passage p) {
        p.mode = new InterceptedDirection(p.direction, p.tap, extensions, intercept, facts, maxRecorded, host);
        return p.mode;
    }

    /** Reads message by message: what passes through whole until the first message boundary is returned to write. */
    ByteBuffer[] read(Passage p, ByteBuffer read, List<RecordedFrame> frames) {
        int pos = read.position();
        ByteBuffer head = null;
        if (p.mode.passUntilBoundary) {
            while (pos < read.limit() && !p.tap.atMessageBoundary()) {
                ByteBuffer rest = read.duplicate();
                rest.position(pos);
                pos += p.tap.feedFrame(rest, frames);
            }
            head = read.duplicate();
            head.limit(pos);
            p.mode.passUntilBoundary = !p.tap.atMessageBoundary();
        }
        if (pos < read.limit()) {
            ByteBuffer rest = read.duplicate();
            rest.position(pos);
            List<RecordedFrame> closes = new ArrayList<>(0);
            p.mode.read(rest, closes);
            for (RecordedFrame f : closes) {
                session.noteFrame(p.direction, f);
            }
        }
        return head != null && head.hasRemaining() ? new ByteBuffer[] {head} : new ByteBuffer[0];
    }

    /** Writes what an intercepted direction's outbox holds, if the receiver's connection is free. */
    void flush(Direction d) {
        Passage p = passages.get(d);
        ByteBuffer[] bytes;
        List<Runnable> then = new ArrayList<>(0);
        synchronized (session) {
            if (p.mode == null || p.writing || p.mode.passUntilBoundary || p.swallowing || session.ended() || p.mode.outboxEmpty()) {
                return;
            }
            List<InterceptedDirection.Out> batch = p.mode.takeOutbox();
            bytes = new ByteBuffer[batch.size()];
            p.writing = true;
            for (int i = 0; i < batch.size(); i++) {
                InterceptedDirection.Out o = batch.get(i);
                bytes[i] = o.bytes();
                if (o.then() != null) {
                    then.add(o.then());
                }
                if (o.frame() != null) {
                    long seq = session.queue(p, o.frame(), false);
                    if (o.numbered() != null) {
                        o.numbered().accept(seq);
                    }
                }
            }
        }
        sockets.write(d, bytes, failure -> {
            session.written(d, failure);
            then.forEach(Runnable::run);
        });
    }
}
