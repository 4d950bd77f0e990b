package dev.sockscope.proxy.tap;

import java.util.ArrayDeque;
import java.util.List;

import dev.sockscope.capture.CaptureBus;
import dev.sockscope.capture.CaptureEvent;
import dev.sockscope.wire.RecordedFrame;

/**
 * The order in which a session's frames are numbered and published: in the order the proxy read them (or, while
 * intercepting, sent or dropped them), each once the write that carried its last byte has completed and every frame
 * before it is published, so that a recorded frame was delivered (or says it was not). Called under its session's lock.
 */
final class PublishOrder {
    /** The most recorded payload held behind a write in progress before that write's frame is published unconfirmed. */
    static final long MAX_HELD_BYTES = 8L << 20;
    /** ... and for longer than this: a large echo can overtake the completion of the write that caused it. */
    static final long MAX_HELD_NANOS = 250_000_000L;

    private final CaptureBus bus;
    private final ArrayDeque<Pending> order = new ArrayDeque<>();
    private long orderBytes;
    private long seq;

    PublishOrder(CaptureBus bus) {
        this.bus = bus;
    }

    /** A numbered frame waiting for its write (and every earlier frame's) to complete. */
    static final class Pending {
        RecordedFrame frame;
        boolean done;
        boolean published;
        final long queuedAtNanos = System.nanoTime();

        Pending(RecordedFrame frame) {
            this.frame = frame;
        }
    }

    /**
     * Numbers {@code frame} and holds it until the write that carried its last byte has completed ({@code done}: no
     * write is to come), adding it to {@code inFlight}, the frames of the write in progress, if not. Returns its seq.
     */
    long queue(List<Pending> inFlight, RecordedFrame frame, boolean done) {
        Pending pending = new Pending(frame.withSeq(++seq));
        pending.done = done;
        order.add(pending);
        orderBytes += frame.size();
        if (!done) {
            inFlight.add(pending);
        }
        return seq;
    }

    /**
     * Publishes the done frames at the head of the order. A write that does not complete (a receiver that stopped
     * reading) must not make the other direction's frames pile up here unbounded: past {@link #MAX_HELD_BYTES}
     * held behind it for over {@link #MAX_HELD_NANOS}, the frame at the head is published as it is, saying that
     * its delivery was not confirmed when it was recorded. Publishing never blocks (the bus applies backpressure at
     * the next read).
     */
    void drain() {
        while (!order.isEmpty()) {
            Pending head = order.peekFirst();
            if (!head.done) {
                if (orderBytes - head.frame.size() <= MAX_HELD_BYTES
                        || System.nanoTime() - head.queuedAtNanos < MAX_HELD_NANOS) {
                    return; // what waits behind the frame being written is small, or its write is merely in progress
                }
                String note = "delivery not confirmed when recorded: the receiver was not taking what was written";
                head.frame = head.frame.withNote(head.frame.note() == null ? note : head.frame.note() + "; " + note);
            }
            order.pollFirst();
            orderBytes -= head.frame.size();
            head.published = true;
            bus.publish(new CaptureEvent.FrameCaptured(head.frame));
        }
    }
}
