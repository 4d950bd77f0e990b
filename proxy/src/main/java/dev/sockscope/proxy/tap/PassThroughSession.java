package dev.sockscope.proxy.tap;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import dev.sockscope.capture.CaptureBus;
import dev.sockscope.capture.CaptureEvent;
import dev.sockscope.wire.ClosedBy;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.MicroClock;
import dev.sockscope.wire.RecordedFrame;
import dev.sockscope.wire.SessionEnd;
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
    private static final SecureRandom MASKS = new SecureRandom();

    private final long id;
    private final CaptureBus bus;
    private final MicroClock clock;
    private final Sockets sockets;
    private final Consumer<PassThroughSession> onEnded;
    private final Map<Direction, Passage> passages = new EnumMap<>(Direction.class);
    private long seq;
    private final java.util.ArrayDeque<Pending> order = new java.util.ArrayDeque<>();
    private long orderBytes;
    /** The most recorded payload held behind a write in progress before that write's frame is published unconfirmed. */
    static final long MAX_HELD_BYTES = 8L << 20;
    /** ... and for longer than this: a large echo can overtake the completion of the write that caused it. */
    static final long MAX_HELD_NANOS = 250_000_000L;

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
        this.id = id;
        this.bus = bus;
        this.clock = clock;
        this.sockets = sockets;
        this.onEnded = onEnded;
        for (Direction d : Direction.values()) {
            passages.put(d, new Passage(d, new FrameTap(id, d, extensions, maxRecordedBytes, budget, clock)));
        }
    }

    public long id() {
        return id;
    }

    /** True if {@code d} may be read now; if not, {@code resume} runs once it may (the capture bus drained). */
    public boolean mayRead(Direction d, Runnable resume) {
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
        List<RecordedFrame> frames = new ArrayList<>(2);
        ByteBuffer[] out;
        boolean closingNow;
        synchronized (this) {
            if (ended) {
                return new ByteBuffer[0]; // a read that raced the end of the session: nothing more is relayed or recorded
            }
            if (p.swallowing) {
                p.tap.feed(read, false, frames);
                out = new ByteBuffer[0];
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
            drain();
            closingNow = closing;
        }
        if (closingNow) {
            maybeFinishClose();
        }
        return out;
    }

    /** The write that {@link #onRead} asked for is done (failure null) or failed. */
    public void written(Direction d, Throwable failure) {
        Passage p = passages.get(d);
        boolean shutdown;
        synchronized (this) {
            p.writing = false;
            String to = d == Direction.CLIENT_TO_SERVER ? "upstream" : "client";
            for (Pending pending : p.inFlight) {
                if (failure != null && !pending.published) {
                    pending.frame = pending.frame.withNote(join(pending.frame.note(), "not delivered: writing to the " + to + " failed"));
                }
                pending.done = true;
            }
            p.inFlight.clear();
            drain();
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
        maybeInject(d);
        maybeFinishClose();
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
                for (Pending pending : p.inFlight) {
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
            drain();
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
            if (!p.closeWanted || p.swallowing || p.writing || p.eof || p.closeSeen || !p.tap.atFrameBoundary()) {
                return;
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

    /**
     * Numbers a frame in the order the proxy read it and holds it until the write that carried its last byte has
     * completed; frames are published in that order, each once it and every frame before it are done. Called
     * under this lock.
     */
    private void queue(Passage p, RecordedFrame frame, boolean done) {
        Pending pending = new Pending(frame.withSeq(++seq));
        pending.done = done;
        order.add(pending);
        orderBytes += frame.size();
        if (!done) {
            p.inFlight.add(pending);
        }
    }

    /**
     * Publishes the done frames at the head of the order. A write that does not complete (a receiver that stopped
     * reading) must not make the other direction's frames pile up here unbounded: past {@link #MAX_HELD_BYTES}
     * held behind it for over {@link #MAX_HELD_NANOS}, the frame at the head is published as it is, saying that
     * its delivery was not confirmed when it was recorded. Called under this lock; publishing never blocks (the bus applies backpressure at the next read).
     */
    private void drain() {
        while (!order.isEmpty()) {
            Pending head = order.peekFirst();
            if (!head.done) {
                if (orderBytes - head.frame.size() <= MAX_HELD_BYTES
                        || System.nanoTime() - head.queuedAtNanos < MAX_HELD_NANOS) {
                    return; // what waits behind the frame being written is small, or its write is merely in progress
                }
                head.frame = head.frame.withNote(join(head.frame.note(),
                        "delivery not confirmed when recorded: the receiver was not taking what was written"));
            }
            order.pollFirst();
            orderBytes -= head.frame.size();
            head.published = true;
            bus.publish(new CaptureEvent.FrameCaptured(head.frame));
        }
    }

    private ByteBuffer closeFrame(Direction d) {
        byte[] reason = fitReason(proxyCloseReason).getBytes(StandardCharsets.UTF_8);
        int length = 2 + reason.length;
        boolean mask = d == Direction.CLIENT_TO_SERVER; // toward the upstream the proxy speaks as a client
        ByteBuffer b = ByteBuffer.allocate(2 + (mask ? 4 : 0) + length);
        b.put((byte) 0x88);
        b.put((byte) ((mask ? 0x80 : 0) | length));
        byte[] payload = new byte[length];
        payload[0] = (byte) (proxyCloseCode >> 8);
        payload[1] = (byte) proxyCloseCode;
        System.arraycopy(reason, 0, payload, 2, reason.length);
        if (mask) {
            byte[] key = new byte[4];
            MASKS.nextBytes(key);
            b.put(key);
            for (int i = 0; i < length; i++) {
                payload[i] ^= key[i & 3];
            }
        }
        b.put(payload);
        return b.flip();
    }

    private RecordedFrame injectedClose(Direction d) {
        byte[] reason = fitReason(proxyCloseReason).getBytes(StandardCharsets.UTF_8);
        byte[] payload = new byte[2 + reason.length];
        payload[0] = (byte) (proxyCloseCode >> 8);
        payload[1] = (byte) proxyCloseCode;
        System.arraycopy(reason, 0, payload, 2, reason.length);
        return new RecordedFrame(id, 0, clock.nowMicros(), d, FrameType.CLOSE, payload, 1,
                "sent by the proxy to the " + (d == Direction.CLIENT_TO_SERVER ? "upstream" : "client"),
                new WireShape(0x8, 0, payload.length, payload.length, false, d == Direction.CLIENT_TO_SERVER));
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

    /** A close reason must fit in a control frame: 123 bytes of UTF-8. */
    public static String fitReason(String reason) {
        if (reason == null) {
            return "";
        }
        if (reason.getBytes(StandardCharsets.UTF_8).length <= 123) {
            return reason;
        }
        String cut = reason;
        while (cut.getBytes(StandardCharsets.UTF_8).length > 120) {
            cut = cut.substring(0, cut.length() - 1);
        }
        return cut + "...";
    }

    /** A numbered frame waiting for its write (and every earlier frame's) to complete. */
    private static final class Pending {
        RecordedFrame frame;
        boolean done;
        boolean published;
        final long queuedAtNanos = System.nanoTime();

        Pending(RecordedFrame frame) {
            this.frame = frame;
        }
    }

    /** One direction: its tap and where its bytes are in their way through the proxy. */
    private static final class Passage {
        final Direction direction;
        final FrameTap tap;
        /** Frames whose last byte is in the write in progress. */
        final List<Pending> inFlight = new ArrayList<>(2);
        boolean writing;
        boolean closeWanted;
        boolean swallowing;
        boolean closeSeen;
        boolean eof;
        boolean shutDown;

        Passage(Direction direction, FrameTap tap) {
            this.direction = direction;
            this.tap = tap;
        }
    }
}
