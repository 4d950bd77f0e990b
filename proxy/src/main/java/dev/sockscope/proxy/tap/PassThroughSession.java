package dev.sockscope.proxy.tap;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import java.util.concurrent.CompletableFuture;

import dev.sockscope.capture.CaptureBus;
import dev.sockscope.capture.CaptureEvent;
import dev.sockscope.proxy.intercept.InterceptPoint;
import dev.sockscope.proxy.intercept.Injection;
import dev.sockscope.proxy.intercept.SessionFacts;
import dev.sockscope.wire.ClosedBy;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.MicroClock;
import dev.sockscope.wire.RecordedFrame;
import dev.sockscope.wire.SessionEnd;
import dev.sockscope.wire.Provenance;
import dev.sockscope.wire.WireShape;

/**
 * One pass-through session without sockets: it is told what was read, written and closed, and answers with
 * what to write, through {@link Sockets}. Bytes are forwarded exactly as read, one write per read, and the
 * next read of a direction waits until its last write is done and the capture bus has room. A {@link FrameTap}
 * per direction parses a copy for the recording; a frame is published once the write that carried its last
 * byte has completed, so a recorded frame was delivered (or says it was not).
 *
 * <p>The proxy's own close (shutdown, idle timeout) is the one place it changes traffic: in each direction it
 * waits for a frame boundary, sends its close frame there, and from then on swallows what that peer sends
 * (recorded, marked as not relayed) until both peers have answered or a deadline passes ({@link ClosingHandshake}).
 * Directions read message by message (intercepting, injecting) are {@link InterceptedPassages}'.
 */
public final class PassThroughSession {
    /** How long the peers get to answer the proxy's close, and to close TCP after one side did. */
    public static final Duration CLOSE_DEADLINE = Duration.ofSeconds(5);
    /** Bytes held or waiting to be written in an intercepted direction before its sender is no longer read. */
    static final long MAX_INTERCEPT_BACKLOG = 16L << 20;

    private final long id;
    private final CaptureBus bus;
    private final MicroClock clock;
    private final Sockets sockets;
    private final Consumer<PassThroughSession> onEnded;
    private final Map<Direction, Passage> passages = new EnumMap<>(Direction.class);
    private final PublishOrder published;
    private final ReadGates gates;
    private final ClosingHandshake closer;
    private final InterceptedPassages intercepted;

    // Guarded by this: how the session is ending, decided by the first close or fault.
    private final SessionEnding ending = new SessionEnding();
    private boolean hungUp;
    private boolean ended;

    public PassThroughSession(long id, NegotiatedExtensions extensions, long maxRecordedBytes, MessageBudget budget,
                              CaptureBus bus, MicroClock clock, Sockets sockets, Consumer<PassThroughSession> onEnded) {
        this(id, extensions, maxRecordedBytes, budget, bus, clock, sockets, onEnded, InterceptPoint.withoutLabels(),
                new SessionFacts(id, null, null, null, null));
    }

    /** A session that asks {@code intercept} about each message while it is active, and takes injected messages. */
    public PassThroughSession(long id, NegotiatedExtensions extensions, long maxRecordedBytes, MessageBudget budget,
                              CaptureBus bus, MicroClock clock, Sockets sockets, Consumer<PassThroughSession> onEnded,
                              InterceptPoint intercept, SessionFacts facts) {
        this.id = id;
        this.bus = bus;
        this.clock = clock;
        this.sockets = sockets;
        this.onEnded = onEnded;
        this.published = new PublishOrder(bus);
        this.gates = new ReadGates(sockets);
        this.closer = new ClosingHandshake(this, id, clock, sockets, passages);
        this.intercepted = new InterceptedPassages(this, sockets, passages, extensions, maxRecordedBytes, intercept, facts,
                new SessionHost(this, sockets, gates));
        for (Direction d : Direction.values()) {
            passages.put(d, new Passage(d, new FrameTap(id, d, extensions, maxRecordedBytes, budget, clock)));
        }
    }

    public long id() {
        return id;
    }

    /** True if {@code d} may be read now; if not, {@code resume} runs once it may (the capture bus drained). */
    public boolean mayRead(Direction d, Runnable resume) {
        if (!gates.mayRead(d, resume)) { // a rule stalls or throttles this sender
            return false;
        }
        Passage p = passages.get(d);
        if (p.mode != null) {
            synchronized (this) {
                if (p.mode != null && p.mode.backlog() > MAX_INTERCEPT_BACKLOG) {
                    p.resume = resume; // what is held or queued is bounded: the sender waits (TCP) until it goes
                    return false;
                }
            }
        }
        if (bus.hasCapacity()) {
            return true;
        }
        if (bus.failure().isEmpty()) {
            bus.whenCapacity(resume);
        }
        // A failed bus never has room again: reading stops for good, nothing goes unrecorded, and the
        // proxy's shutdown closes this session (by its deadline, since no answer can be read).
        return false;
    }

    /**
     * Bytes read from the sender of {@code d} (from the buffer's position to its limit; neither is moved).
     * Returns what to write to its receiver now, or an empty array when nothing is to be written (the caller
     * reads again). After writing, the caller reports {@link #written}.
     */
    public ByteBuffer[] onRead(Direction d, ByteBuffer read) {
        Passage p = passages.get(d);
        gates.read(d, read.remaining());
        List<RecordedFrame> frames = new ArrayList<>(2);
        ByteBuffer[] out;
        boolean closingNow;
        synchronized (this) {
            if (ended) {
                return new ByteBuffer[0]; // a read that raced the end of the session: nothing more is relayed or recorded
            }
            if (p.mode != null && !p.writing && p.mode.idle()) {
                p.mode.leave(); // nothing held, queued or changed, and no breakpoint: plain pass-through again
                p.mode = null;
            }
            if (p.swallowing) {
                p.tap.feed(read, false, frames);
                out = new ByteBuffer[0];
            } else if (p.mode != null || (!p.closeWanted && intercepted.active() && intercepted.enter(p) != null)) {
                out = intercepted.read(p, read, frames);
            } else if (p.closeWanted) {
                out = closer.readWhileClosing(p, read, frames);
            } else {
                p.tap.feed(read, false, frames);
                out = new ByteBuffer[] {read.duplicate()};
            }
            if (out.length > 0) {
                p.writing = true;
            }
            for (RecordedFrame f : frames) {
                noteFrame(d, f);
                queue(p, f, out.length == 0);
            }
            published.drain();
            closingNow = closer.closing();
        }
        if (closingNow) {
            closer.maybeFinishClose();
        }
        if (out.length == 0) {
            flush(d);
        }
        return out;
    }

    /**
     * Sends a message of the user's to the receiver of {@code d} at the next message boundary, or closes the session.
     * Completes with the seq it was recorded as once it is written (-1 for a close), or fails when the session is closing.
     */
    public CompletableFuture<Long> inject(Direction d, Injection what) {
        CompletableFuture<Long> seqOf = new CompletableFuture<>();
        if (what instanceof Injection.Close c) {
            closeByProxy(c.code(), c.reason(), "closed by the user with " + c.code() + (c.reason() == null || c.reason().isEmpty() ? "" : " " + c.reason()));
            seqOf.complete(-1L);
            return seqOf;
        }
        Injection.Message m = (Injection.Message) what;
        RecordedFrame recorded = new RecordedFrame(id, 0, clock.nowMicros(), d, m.type(), m.payload(), 1, null,
                new WireShape(MessageEncoder.opcode(m.type()), 0, m.payload().length, m.payload().length, false,
                        d == Direction.CLIENT_TO_SERVER), Provenance.INJECTED);
        if (!send(d, m.type(), m.payload(), recorded, seqOf::complete)) {
            seqOf.completeExceptionally(new IllegalStateException("session " + id + " is closing or closed"));
        }
        return seqOf;
    }

    /** Sends the user's or a rule's message at the next message boundary; false when closing. Not under this lock. */
    boolean send(Direction d, FrameType type, byte[] payload, RecordedFrame recorded, java.util.function.LongConsumer numbered) {
        Passage p = passages.get(d);
        synchronized (this) {
            if (ended || closer.closing() || p.swallowing || p.closeSeen || p.shutDown) {
                return false;
            }
            (p.mode == null ? intercepted.enter(p) : p.mode).inject(type, payload, recorded, numbered);
        }
        flush(d);
        return true;
    }

    /** Cuts both connections without a close frame (a rule's abort); {@code why} says so in the session's end. */
    void abort(String why) {
        synchronized (this) {
            noteEnding(ClosedBy.PROXY, null, null, why);
        }
        hangUp();
    }

    /** Numbers and queues {@code frame} of direction {@code d} for publishing; {@code written} false while its write is to come. */
    void record(Direction d, RecordedFrame frame, boolean written) {
        synchronized (this) {
            queue(passages.get(d), frame, written);
            published.drain();
        }
    }

    /** Writes what an intercepted direction's outbox holds, if the receiver's connection is free. */
    void flush(Direction d) {
        intercepted.flush(d);
    }

    /** The write that {@link #onRead} asked for is done (failure null) or failed. */
    public void written(Direction d, Throwable failure) {
        Passage p = passages.get(d);
        boolean shutdown;
        synchronized (this) {
            p.writing = false;
            String to = d == Direction.CLIENT_TO_SERVER ? "upstream" : "client";
            for (PublishOrder.Pending pending : p.inFlight) {
                if (failure != null && !pending.published) {
                    pending.frame = pending.frame.withNote(join(pending.frame.note(), "not delivered: writing to the " + to + " failed"));
                }
                pending.done = true;
            }
            p.inFlight.clear();
            published.drain();
            if (failure != null && !hungUp) {
                noteEnding(d == Direction.CLIENT_TO_SERVER ? ClosedBy.SERVER : ClosedBy.CLIENT, null, null,
                        "writing to the " + to + " failed: " + Describe.failure(failure));
            }
            shutdown = failure == null && p.eof && !p.shutDown;
            if (shutdown) {
                p.shutDown = true;
            }
        }
        if (failure != null) {
            hangUp();
            return;
        }
        if (shutdown) {
            sockets.shutdownOutput(d);
        }
        flush(d);
        closer.maybeInject(d);
        closer.maybeFinishClose();
        Runnable resume;
        synchronized (this) {
            resume = p.resume;
            if (resume != null && (p.mode == null || p.mode.backlog() <= MAX_INTERCEPT_BACKLOG)) {
                p.resume = null;
            } else {
                resume = null;
            }
        }
        if (resume != null) {
            resume.run();
        }
    }

    /** The sender of {@code d} closed its side of the TCP connection (read returned end of stream). */
    public void onEof(Direction d) {
        Passage p = passages.get(d);
        boolean shutdown;
        boolean both;
        synchronized (this) {
            p.eof = true;
            if (!p.closeSeen && !p.tap.atFrameBoundary()) {
                noteEnding(peer(d), null, null, name(d) + " closed the connection in the middle of a frame");
            } else if (!p.closeSeen && !ending.decided()) {
                noteEnding(peer(d), null, null, name(d) + " closed the connection without a close frame");
            }
            shutdown = !p.writing && !p.shutDown;
            if (shutdown) {
                p.shutDown = true;
            }
            both = passages.get(d.reverse()).eof;
        }
        if (shutdown) {
            sockets.shutdownOutput(d);
        }
        if (both) {
            hangUp();
        } else {
            closer.armDeadline();
            closer.maybeFinishClose(); // a peer may answer the proxy's close by closing TCP
        }
    }

    /** Reading from the sender of {@code d} failed (connection reset, TLS failure). */
    public void onFailure(Direction d, Throwable cause) {
        synchronized (this) {
            if (hungUp) {
                return; // the proxy closed the connection: reads fail after that, as they should
            }
            noteEnding(peer(d), null, null, "reading from the " + name(d) + " failed: " + Describe.failure(cause));
        }
        hangUp();
    }

    /**
     * Closes the session as the proxy's own decision: 1001 to both peers at a frame boundary of each direction,
     * then their answers are awaited (and swallowed) until {@link #CLOSE_DEADLINE}.
     */
    public void closeByProxy(int code, String reason, String why) {
        synchronized (this) {
            if (ended || !closer.begin(code, reason)) {
                return;
            }
            noteEnding(ClosedBy.PROXY, code, reason, why);
            closer.wantCloses();
        }
        for (Direction d : Direction.values()) {
            closer.maybeInject(d);
        }
        closer.armDeadline();
        closer.maybeFinishClose();
    }

    /** Both connections are closed: publish what is left and end the session. */
    public void onClosed() {
        SessionEnd end;
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
            for (Passage p : passages.values()) {
                if (p.mode != null) {
                    for (RecordedFrame f : p.mode.abandon("not relayed: the session ended while it waited")) {
                        queue(p, f, true);
                    }
                }
                for (PublishOrder.Pending pending : p.inFlight) {
                    pending.frame = pending.frame.withNote(join(pending.frame.note(),
                            "delivery not confirmed: the connection closed while it was being written"));
                    pending.done = true;
                }
                p.inFlight.clear();
                String note = "incomplete: the connection closed in the middle of this " + (p.tap.atFrameBoundary() ? "message" : "frame");
                RecordedFrame unfinished = p.tap.unfinished(note);
                if (unfinished != null) {
                    queue(p, unfinished, true);
                }
            }
            published.drain();
            if (!ending.decided()) {
                noteEnding(ClosedBy.PROXY, null, null, "the connections closed without a close handshake");
            }
            end = ending.at(clock.nowMicros());
        }
        bus.publish(new CaptureEvent.SessionClosed(id, end));
        onEnded.accept(this);
    }

    /** True once both connections have closed; called under this lock. */
    boolean ended() {
        return ended;
    }

    void hangUp() {
        synchronized (this) {
            hungUp = true;
        }
        sockets.closeBoth();
    }

    /** Keeps what the first close frame says about the session's end; called under this lock. */
    void noteFrame(Direction d, RecordedFrame f) {
        if (f.type() != FrameType.CLOSE) {
            return;
        }
        Passage p = passages.get(d);
        p.closeSeen = true;
        noteEnding(peer(d), f.closeCode(), f.closeReason(), null);
    }

    void noteEnding(ClosedBy by, Integer code, String reason, String why) {
        ending.note(by, code, reason, why);
    }

    /** Numbers {@code frame} and queues it for publishing (see {@link PublishOrder}); called under this lock. */
    long queue(Passage p, RecordedFrame frame, boolean done) {
        return published.queue(p.inFlight, frame, done);
    }

    private static ClosedBy peer(Direction d) {
        return d == Direction.CLIENT_TO_SERVER ? ClosedBy.CLIENT : ClosedBy.SERVER;
    }

    static String name(Direction d) {
        return d == Direction.CLIENT_TO_SERVER ? "client" : "upstream";
    }

    private static String join(String a, String b) {
        return a == null ? b : a + "; " + b;
    }
}
