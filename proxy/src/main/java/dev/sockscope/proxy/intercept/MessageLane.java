package dev.sockscope.proxy.intercept;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The order of one direction of one session while intercepting: each message is decided when it reaches the head;
 * a held message blocks only this lane, and later messages wait behind it so that nothing is reordered. A message a
 * source delays (in order) blocks it the same way until its time, counted from its arrival, has come. Not
 * thread-safe: its session calls it under its own lock, and carries out the {@link Outcome}s it returns in order.
 *
 * @param <T> what the relay keeps with each message (its wire bytes, its recording)
 */
public final class MessageLane<T> {
    /** A decision to carry out now, for a message that waited {@code heldMicros} (0 if it was never held). */
    public record Outcome<T>(InterceptedMessage message, T item, Decision decision, long heldMicros) {
    }

    private record Waiting<T>(InterceptedMessage message, T item, boolean decide, long arrivedNanos) {
    }

    private final InterceptPoint point;
    private final HoldOwner owner;
    private final ArrayDeque<Waiting<T>> queue = new ArrayDeque<>();
    /** The head's hold: a user's hold id (positive), a delay (negative, this lane's own), or 0 when the head is free. */
    private long headHold;
    private long delays;
    private long headHeldNanos;
    private long waitingBytes;
    private boolean closed;

    public MessageLane(InterceptPoint point, HoldOwner owner) {
        this.point = point;
        this.owner = owner;
    }

    /**
     * The next message of this direction. With {@code decide} false (a close frame, a control frame nobody asked for,
     * a message that began before intercepting did) it is not offered to the sources but still keeps its place, unless
     * a decision closed the lane: then it goes at once.
     */
    public List<Outcome<T>> offer(InterceptedMessage message, T item, boolean decide) {
        if (closed && !decide) {
            // The session is closing: a peer's close frame goes on past what waits (which never will).
            return List.of(new Outcome<>(message, item, Decision.FORWARD, 0));
        }
        queue.add(new Waiting<>(message, item, decide, System.nanoTime()));
        waitingBytes += message.payload().length;
        if (headHold != 0 || closed) {
            return List.of();
        }
        return advance(new ArrayList<>());
    }

    /** The held message at the head was released: its outcome, then those of the messages behind it up to the next hold. */
    public List<Outcome<T>> release(long holdId, Decision decision) {
        if (holdId != headHold || queue.isEmpty()) {
            return List.of();
        }
        Waiting<T> w = queue.poll();
        waitingBytes -= w.message().payload().length;
        headHold = 0;
        List<Outcome<T>> out = new ArrayList<>();
        out.add(new Outcome<>(w.message(), w.item(), decision, (System.nanoTime() - headHeldNanos) / 1000));
        if (Plan.endsSession(decision)) {
            closed = true;
            return out;
        }
        return advance(out);
    }

    private List<Outcome<T>> advance(List<Outcome<T>> out) {
        while (!queue.isEmpty()) {
            Waiting<T> w = queue.peek();
            Decision d = w.decide() ? point.decide(w.message(), owner) : Decision.FORWARD;
            if (d instanceof Decision.Hold h) {
                headHold = h.id();
                headHeldNanos = System.nanoTime();
                return out;
            }
            long waited = 0;
            java.time.Duration delay = Plan.orderedDelay(d);
            if (!delay.isZero()) {
                long now = System.nanoTime();
                long wait = w.arrivedNanos() + delay.toNanos() - now;
                if (wait > 0) {
                    long id = -(++delays);
                    headHold = id;
                    headHeldNanos = w.arrivedNanos();
                    Decision decided = d;
                    owner.later(java.time.Duration.ofNanos(wait), () -> owner.release(id, decided));
                    return out;
                }
                waited = Math.max(1, (now - w.arrivedNanos()) / 1000); // its time came while it waited behind others
            }
            queue.poll();
            waitingBytes -= w.message().payload().length;
            out.add(new Outcome<>(w.message(), w.item(), d, waited));
            if (Plan.endsSession(d)) {
                closed = true;
                return out;
            }
        }
        return out;
    }

    /** True while nothing waits: the relay may leave message-by-message reading. */
    public boolean empty() {
        return queue.isEmpty();
    }

    /** Messages waiting behind the held one. */
    public int queuedBehind() {
        return Math.max(0, queue.size() - 1);
    }

    /** Payload bytes waiting (held and behind), for backpressure. */
    public long waitingBytes() {
        return waitingBytes;
    }

    /** The session ended: what still waits is returned (never sent), and its hold is forgotten. */
    public List<T> abandon() {
        if (headHold > 0) {
            point.forget(headHold);
        }
        headHold = 0;
        List<T> left = new ArrayList<>();
        for (Waiting<T> w : queue) {
            left.add(w.item());
        }
        queue.clear();
        waitingBytes = 0;
        closed = true;
        return left;
    }
}
