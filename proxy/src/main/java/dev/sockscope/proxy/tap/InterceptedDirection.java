package dev.sockscope.proxy.tap;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import dev.sockscope.proxy.intercept.Decision;
import dev.sockscope.proxy.intercept.HoldOwner;
import dev.sockscope.proxy.intercept.InterceptPoint;
import dev.sockscope.proxy.intercept.InterceptedMessage;
import dev.sockscope.proxy.intercept.MessageLane;
import dev.sockscope.proxy.intercept.SessionFacts;
import dev.sockscope.wire.Direction;
import dev.sockscope.wire.FrameType;
import dev.sockscope.wire.Provenance;
import dev.sockscope.wire.RecordedFrame;

/**
 * One direction of a pass-through session while it is read message by message (intercepting): the bytes of each
 * frame are kept until its message is whole, the {@link MessageLane} decides, and what is to be sent waits in an
 * outbox until the receiver's connection is free. Pings and pongs go straight to the outbox (unless a source wants
 * them); a close keeps its place behind the data. Untouched messages are written as they were read, byte for byte;
 * once a compressed message is replaced or dropped under context takeover the direction is <em>touched</em>, and every
 * later compressed message is re-encoded by a {@link MessageEncoder} from what the tap inflated. Called under its
 * session's lock.
 */
final class InterceptedDirection implements HoldOwner {
    /** What the session does for it: record, close, and write what the outbox holds. */
    interface Host {
        Object lock();

        /** Numbers and queues {@code frame} for publishing; {@code written} false when its write is still to come. */
        void record(Direction d, RecordedFrame frame, boolean written);

        void closeSession(int code, String reason, String why);

        /** Writes the outbox now if the receiver's connection is free (called outside the lock). */
        void flush(Direction d);

        /** Sends a rule's message to the receiver of {@code to} (the sender of the message it answers), recorded as {@code recorded}. */
        void answer(Direction to, FrameType type, byte[] payload, RecordedFrame recorded);

        /** Cuts both connections without a close frame; {@code why} says so in the session's end. */
        void abort(String why);

        /** Stops reading the sender of {@code d} for {@code duration} or until {@code releasedBy} completes. */
        void stall(Direction d, java.time.Duration duration, java.util.concurrent.CompletableFuture<Void> releasedBy);

        /** Reads the sender of {@code d} at most this fast from now on (0: no cap). */
        void throttle(Direction d, long bytesPerSecond);

        /** Runs {@code task} once after {@code delay}, on a timer. */
        void later(java.time.Duration delay, Runnable task);
    }

    /** A message waiting in the lane: its wire bytes, the tap's recording of it (whole payload), whether it was compressed. */
    record Item(byte[] raw, RecordedFrame frame, boolean compressed) {
    }

    /**
     * Bytes to write and the frame they carry, recorded once written (null: nothing to record); {@code numbered} is told
     * the frame's seq (an injection's caller waits for it); {@code then} runs once the write is done (or failed), or null.
     */
    record Out(ByteBuffer bytes, RecordedFrame frame, java.util.function.LongConsumer numbered, Runnable then) {
    }

    private final Direction direction;
    private final FrameTap tap;
    private final NegotiatedExtensions extensions;
    private final InterceptPoint point;
    private final SessionFacts facts;
    private final Host host;
    private final long maxRecorded;
    final MessageLane<Item> lane;
    private final ArrayDeque<Out> outbox = new ArrayDeque<>();
    private long outboxBytes;
    private final ByteArrayOutputStream frameBytes = new ByteArrayOutputStream();
    private final ByteArrayOutputStream messageBytes = new ByteArrayOutputStream();
    /** The receiver's inflater history as delivered (context takeover only), to prime the encoder when touched. */
    private final DeflateWindow delivered;
    private boolean historyKnown;
    /** A message of the pass-through was in progress when intercepting began: it passes before this takes over. */
    boolean passUntilBoundary;
    private MessageEncoder encoder;
    private final PlannedCarry planned;

    InterceptedDirection(Direction direction, FrameTap tap, NegotiatedExtensions extensions, InterceptPoint point,
                         SessionFacts facts, long maxRecorded, Host host) {
        this.direction = direction;
        this.tap = tap;
        this.extensions = extensions;
        this.point = point;
        this.facts = facts;
        this.maxRecorded = maxRecorded;
        this.host = host;
        this.lane = new MessageLane<>(point, this);
        this.planned = new PlannedCarry(this, direction, host);
        this.passUntilBoundary = !tap.atMessageBoundary();
        tap.keepWhole(true);
        byte[] history = tap.receiverWindow();
        this.delivered = extensions.deflate() && !extensions.noContextTakeover(direction) ? new DeflateWindow() : null;
        this.historyKnown = history != null;
        if (delivered != null && history != null) {
            delivered.add(history, 0, history.length);
        }
    }

    /** True when the receiver's stream no longer matches the sender's (a compressed message was changed or dropped). */
    boolean touched() {
        return encoder != null;
    }

    /** Whether it may go back to plain pass-through: nothing waits, nothing was changed, no source is active. */
    boolean idle() {
        return !touched() && lane.empty() && outbox.isEmpty() && planned.idle() && !passUntilBoundary && tap.atMessageBoundary() && !point.active();
    }

    /** Leaves message-by-message reading. */
    void leave() {
        tap.keepWhole(false);
    }

    /** Bytes waiting here (held, queued, in the outbox): the session stops reading this direction past a limit. */
    long backlog() {
        return lane.waitingBytes() + outboxBytes + planned.backlog();
    }

    /** Nothing waits here any more: all that was read has been written (or recorded as not). */
    boolean sentAll() {
        return lane.empty() && outbox.isEmpty();
    }

    boolean outboxEmpty() {
        return outbox.isEmpty();
    }

    /** Reads what the sender sent (position to limit, not moved), frame by frame. */
    void read(ByteBuffer bytes, List<RecordedFrame> closes) {
        int pos = bytes.position();
        int end = bytes.limit();
        List<RecordedFrame> frames = new ArrayList<>(1);
        while (pos < end) {
            ByteBuffer slice = bytes.duplicate();
            slice.position(pos);
            int n = tap.feedFrame(slice, frames);
            append(bytes, pos, n);
            pos += n;
            if (tap.atFrameBoundary()) {
                frameEnded(frames, closes);
                frames.clear();
            }
        }
    }

    private void append(ByteBuffer bytes, int at, int n) {
        if (bytes.hasArray()) {
            frameBytes.write(bytes.array(), bytes.arrayOffset() + at, n);
        } else {
            byte[] b = copy(bytes, at, n);
            frameBytes.write(b, 0, b.length);
        }
    }

    private static byte[] copy(ByteBuffer bytes, int at, int n) {
        byte[] b = new byte[n];
        bytes.get(at, b, 0, n);
        return b;
    }

    private void frameEnded(List<RecordedFrame> frames, List<RecordedFrame> closes) {
        byte[] raw = frameBytes.toByteArray();
        frameBytes.reset();
        int opcode = tap.frameOpcode();
        if (frames.isEmpty()) {
            if (opcode <= 0x2) {
                messageBytes.write(raw, 0, raw.length); // a fragment of a message still in progress
            }
            return;
        }
        for (RecordedFrame f : frames) {
            if (f.type() == FrameType.CLOSE) {
                closes.add(f);
            }
        }
        RecordedFrame f = frames.get(frames.size() - 1);
        boolean keepAlive = opcode == 0x9 || opcode == 0xA;
        if (keepAlive && !point.wantsControlFrames()) {
            out(ByteBuffer.wrap(raw), f, null); // keep-alives pass even while data is held
            return;
        }
        boolean data = opcode <= 0x2;
        if (data) {
            messageBytes.write(raw, 0, raw.length);
            raw = messageBytes.toByteArray();
            messageBytes.reset();
        }
        InterceptedMessage m = new InterceptedMessage(facts, direction, f.type(), f.payload());
        boolean compressed = data && f.wire() != null && f.wire().compressed();
        // A close, or a reserved opcode nobody can read, keeps its place behind the data without being offered.
        carry(lane.offer(m, new Item(raw, f, compressed), data || keepAlive));
    }

    @Override
    public void release(long holdId, Decision decision) {
        synchronized (host.lock()) {
            carry(lane.release(holdId, decision));
        }
        host.flush(direction);
    }

    @Override
    public void later(java.time.Duration delay, Runnable task) {
        host.later(delay, task);
    }

    @Override
    public int queuedBehind() {
        synchronized (host.lock()) {
            return lane.queuedBehind();
        }
    }

    private void carry(List<MessageLane.Outcome<Item>> outcomes) {
        for (MessageLane.Outcome<Item> o : outcomes) {
            carry(o.item(), o.decision(), o.heldMicros());
        }
    }

    private void carry(Item item, Decision decision, long heldMicros) {
        if (!dev.sockscope.proxy.intercept.Plan.plain(decision)) {
            planned.carry(item, dev.sockscope.proxy.intercept.Plan.of(decision), heldMicros);
            return;
        }
        RecordedFrame frame = item.frame();
        Provenance held = heldMicros > 0 ? Provenance.wire(Provenance.Delivery.DELIVERED, heldMicros) : null;
        if (decision instanceof Decision.Forward) {
            out(encodeOwn(item), frame.withProvenance(held));
        } else if (decision instanceof Decision.Replace r) {
            touch(item);
            ByteBuffer bytes = encodeExtra(r.type(), r.payload());
            RecordedFrame sent = new RecordedFrame(frame.sessionId(), 0, frame.timeMicros(), direction, r.type(), r.payload(), 1,
                    frame.note(), frame.wire(), Provenance.edited(cutBytes(frame.payload()), frame.type(), heldMicros));
            out(bytes, sent);
        } else if (decision instanceof Decision.Drop) {
            touch(item);
            host.record(direction, cut(frame.withProvenance(Provenance.wire(Provenance.Delivery.DROPPED, heldMicros))), true);
        } else if (decision instanceof Decision.Close c) {
            host.record(direction, cut(frame.withProvenance(Provenance.wire(Provenance.Delivery.NOT_SENT, heldMicros))), true);
            host.closeSession(c.code(), c.reason(), "closed by the user with " + c.code()
                    + (c.reason() == null || c.reason().isEmpty() ? "" : " " + c.reason()));
        }
    }

    /** Sends a message of the user's at the next message boundary of what is written (the outbox holds whole messages). */
    void inject(FrameType type, byte[] payload, RecordedFrame recorded, java.util.function.LongConsumer numbered) {
        out(encodeExtra(type, payload), recorded, numbered);
    }

    /** A message that is not the sender's own bytes: uncompressed while untouched, else through the encoder. */
    ByteBuffer encodeExtra(FrameType type, byte[] payload) {
        return touched() && !type.isControl() ? encoder.encode(type, payload) : MessageEncoder.plain(direction, type, payload);
    }

    /** The sender's own message: its bytes as read while untouched (and remembered as delivered), else re-encoded. */
    ByteBuffer encodeOwn(Item item) {
        if (touched() && item.compressed()) {
            return encoder.encode(item.frame().type(), item.frame().payload());
        }
        delivered(item);
        return ByteBuffer.wrap(item.raw());
    }

    /** A compressed message the receiver will not inflate as the sender compressed it: from now on the proxy compresses. */
    void touch(Item item) {
        if (touched() || !item.compressed() || extensions.noContextTakeover(direction)) {
            return;
        }
        byte[] history = delivered != null && (historyKnown || delivered.known()) ? delivered.bytes() : null;
        encoder = new MessageEncoder(direction, extensions, history);
    }

    private void delivered(Item item) {
        if (delivered != null && item.compressed()) {
            byte[] p = item.frame().payload();
            delivered.add(p, 0, p.length);
        }
    }

    void out(ByteBuffer bytes, RecordedFrame frame) {
        out(bytes, frame, null);
    }

    private void out(ByteBuffer bytes, RecordedFrame frame, java.util.function.LongConsumer numbered) {
        outbox.add(new Out(bytes, frame == null ? null : cut(frame), numbered, null));
        outboxBytes += bytes.remaining();
    }

    /** Runs {@code then} once what the outbox holds now has been written. */
    void afterWritten(Runnable then) {
        outbox.add(new Out(ByteBuffer.allocate(0), null, null, then));
    }

    /** Everything in the outbox, to write now; the session records each frame in it. */
    List<Out> takeOutbox() {
        List<Out> all = new ArrayList<>(outbox);
        outbox.clear();
        outboxBytes = 0;
        return all;
    }

    /** The session ended or the proxy closed it: what still waits is recorded as not sent. */
    List<RecordedFrame> abandon(String why) {
        List<RecordedFrame> left = new ArrayList<>();
        for (Out o : outbox) {
            if (o.frame() != null) {
                left.add(notSent(note(o.frame(), null, why)));
            }
        }
        outbox.clear();
        outboxBytes = 0;
        for (Item item : lane.abandon()) {
            left.add(notSent(cut(note(item.frame(), null, why))));
        }
        for (RecordedFrame f : planned.abandon()) {
            left.add(notSent(cut(note(f, null, why))));
        }
        return left;
    }

    private static RecordedFrame notSent(RecordedFrame f) {
        Provenance p = f.provenance() == null ? Provenance.wire(Provenance.Delivery.NOT_SENT, 0) : f.provenance().with(Provenance.Delivery.NOT_SENT);
        return f.withProvenance(p);
    }

    byte[] cutBytes(byte[] original) {
        return original.length <= maxRecorded ? original : java.util.Arrays.copyOf(original, (int) maxRecorded);
    }

    /** The recording keeps what the recording limit allows, as the tap would have. */
    RecordedFrame cut(RecordedFrame f) {
        if (f.payload().length <= maxRecorded) {
            return f;
        }
        return new RecordedFrame(f.sessionId(), f.seq(), f.timeMicros(), f.from(), f.type(),
                java.util.Arrays.copyOf(f.payload(), (int) maxRecorded), f.fragments(),
                join(f.note(), "recorded in part: the first " + maxRecorded + " bytes (--max-message) of " + f.payload().length),
                f.wire(), f.provenance());
    }

    private static RecordedFrame note(RecordedFrame f, String first, String second) {
        String note = join(join(first, second), f.note());
        return note == null ? f : f.withNote(note);
    }

    private static String join(String a, String b) {
        return a == null ? b : b == null ? a : a + "; " + b;
    }
}
