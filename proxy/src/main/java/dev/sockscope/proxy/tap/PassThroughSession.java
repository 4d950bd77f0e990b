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
 * (recorded, marked as not relayed) until both peers have answered or a deadline passes.
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
    private final NegotiatedExtensions extensions;
    private final long maxRecorded;
    private final InterceptPoint intercept;
    private final SessionFacts facts;
    private final SessionHost host;
    private final PublishOrder published;
    private final ReadGates gates;

    // Guarded by this: how the session is ending, decided by the first close or fault.
    private final SessionEnding ending = new SessionEnding();
    private int proxyCloseCode;
    private String proxyCloseReason;
    private boolean deadlineSet;
    private boolean closing;
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
        this.extensions = extensions;
        this.maxRecorded = maxRecordedBytes;
        this.intercept = intercept;
        this.facts = facts;
        this.bus = bus;
        this.clock = clock;
        this.sockets = sockets;
        this.onEnded = onEnded;
        this.published = new PublishOrder(bus);
        this.gates = new ReadGates(sockets);
        this.host = new SessionHost(this, sockets, gates);
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
            } else if (p.mode != null || (!p.closeWanted && intercept.active() && enter(p) != null)) {
                out = interceptedRead(p, read, frames);
            } else if (p.closeWanted) {
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
                    out = new ByteBuffer[] {read.duplicate()};
                } else if (boundary) {
                    p.swallowing = true;
                    p.tap.relayStopped("not relayed: sent after the proxy closed the session");
                    frames.add(injectedClose(d));
                    ByteBuffer rest = read.duplicate();
                    rest.position(read.position() + upTo);
                    p.tap.feed(rest, false, frames);
                    out = new ByteBuffer[] {head, closeFrame(d)};
                } else {
                    out = new ByteBuffer[] {head};
                }
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
            closingNow = closing;
        }
        if (closingNow) {
            maybeFinishClose();
        }
        if (out.length == 0) {
            flush(d);
        }
        return out;
    }

    /** Reads message by message: what passes through whole until the first message boundary is returned to write. */
    private ByteBuffer[] interceptedRead(Passage p, ByteBuffer read, List<RecordedFrame> frames) {
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
                noteFrame(p.direction, f);
            }
        }
        return head != null && head.hasRemaining() ? new ByteBuffer[] {head} : new ByteBuffer[0];
    }

    /** Starts reading {@code p} message by message; called under this lock. */
    private InterceptedDirection enter(Passage p) {
        p.mode = new InterceptedDirection(p.direction, p.tap, extensions, intercept, facts, maxRecorded, host);
        return p.mode;
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
            if (ended || closing || p.swallowing || p.closeSeen || p.shutDown) {
                return false;
            }
            (p.mode == null ? enter(p) : p.mode).inject(type, payload, recorded, numbered);
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
        Passage p = passages.get(d);
        ByteBuffer[] bytes;
        List<Runnable> then = new ArrayList<>(0);
        synchronized (this) {
            if (p.mode == null || p.writing || p.mode.passUntilBoundary || p.swallowing || ended || p.mode.outboxEmpty()) {
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
                    long seq = queue(p, o.frame(), false);
                    if (o.numbered() != null) {
                        o.numbered().accept(seq);
                    }
                }
            }
        }
        sockets.write(d, bytes, failure -> {
            written(d, failure);
            then.forEach(Runnable::run);
        });
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
        maybeInject(d);
        maybeFinishClose();
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
            armDeadline();
            maybeFinishClose(); // a peer may answer the proxy's close by closing TCP
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
            if (closing || ended) {
                return;
            }
            closing = true;
            proxyCloseCode = code;
            proxyCloseReason = reason;
            noteEnding(ClosedBy.PROXY, code, reason, why);
            for (Passage p : passages.values()) {
                // A sender that has closed already gets no close of ours on top of its own.
                if (!p.eof && !p.closeSeen) {
                    p.closeWanted = true;
                }
            }
        }
        for (Direction d : Direction.values()) {
            maybeInject(d);
        }
        armDeadline();
        maybeFinishClose();
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

    /** Sends the proxy's close in direction {@code d} now if it is wanted, nothing is being written and a frame just ended. */
    private void maybeInject(Direction d) {
        Passage p = passages.get(d);
        ByteBuffer close;
        synchronized (this) {
            if (p.closeSeen && !p.writing && p.mode != null && p.mode.sentAll()) {
                p.closeWanted = false; // its sender's own close went through: the proxy's would be one too many
            }
            if (!p.closeWanted || p.swallowing || p.writing || p.eof || p.closeSeen
                    || (p.mode == null ? !p.tap.atFrameBoundary() : p.mode.passUntilBoundary || !p.mode.outboxEmpty())) {
                return;
            }
            if (p.mode != null) {
                for (RecordedFrame f : p.mode.abandon("not relayed: the session was closed while it waited")) {
                    queue(p, f, true);
                }
            }
            p.swallowing = true;
            p.tap.relayStopped("not relayed: sent after the proxy closed the session");
            p.writing = true;
            close = closeFrame(d);
            queue(p, injectedClose(d), false);
        }
        sockets.write(d, new ByteBuffer[] {close}, failure -> written(d, failure));
    }

    /** After the proxy's close: once each peer has sent its close (or gone), the connections are closed. */
    private void maybeFinishClose() {
        boolean done;
        synchronized (this) {
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
            hangUp();
        }
    }

    private void armDeadline() {
        synchronized (this) {
            if (deadlineSet || ended) {
                return;
            }
            deadlineSet = true;
        }
        sockets.schedule(CLOSE_DEADLINE, () -> {
            synchronized (this) {
                if (ended) {
                    return;
                }
                if (closing) {
                    for (Passage p : passages.values()) {
                        if (!p.closeSeen && !p.eof) {
                            noteEnding(ClosedBy.PROXY, null, null, "the " + name(p.direction) + " did not answer the proxy's close within "
                                    + CLOSE_DEADLINE.toSeconds() + " s");
                        }
                    }
                } else {
                    noteEnding(ClosedBy.PROXY, null, null, "one side closed TCP and the other did not follow within "
                            + CLOSE_DEADLINE.toSeconds() + " s");
                }
            }
            hangUp();
        });
    }

    private void hangUp() {
        synchronized (this) {
            hungUp = true;
        }
        sockets.closeBoth();
    }

    /** Keeps what the first close frame says about the session's end; called under this lock. */
    private void noteFrame(Direction d, RecordedFrame f) {
        if (f.type() != FrameType.CLOSE) {
            return;
        }
        Passage p = passages.get(d);
        p.closeSeen = true;
        noteEnding(peer(d), f.closeCode(), f.closeReason(), null);
    }

    private void noteEnding(ClosedBy by, Integer code, String reason, String why) {
        ending.note(by, code, reason, why);
    }

    /** Numbers {@code frame} and queues it for publishing (see {@link PublishOrder}); called under this lock. */
    private long queue(Passage p, RecordedFrame frame, boolean done) {
        return published.queue(p.inFlight, frame, done);
    }

    private ByteBuffer closeFrame(Direction d) {
        return ProxyClose.frame(d, proxyCloseCode, proxyCloseReason);
    }

    private RecordedFrame injectedClose(Direction d) {
        return ProxyClose.recorded(id, clock.nowMicros(), d, proxyCloseCode, proxyCloseReason);
    }

    private static ClosedBy peer(Direction d) {
        return d == Direction.CLIENT_TO_SERVER ? ClosedBy.CLIENT : ClosedBy.SERVER;
    }

    private static String name(Direction d) {
        return d == Direction.CLIENT_TO_SERVER ? "client" : "upstream";
    }

    private static String join(String a, String b) {
        return a == null ? b : a + "; " + b;
    }
}
