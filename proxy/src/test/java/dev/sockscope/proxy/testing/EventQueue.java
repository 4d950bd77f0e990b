package dev.sockscope.proxy.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * What a test peer got, in the order it got it, as OkHttp's {@code WebSocketRecorder} keeps it: callbacks add to the
 * queue, the test takes one event at a time, each with a deadline (no sleeps, no polling of lists), and ends with
 * {@link #assertExhausted()} when nothing else may have come.
 */
public final class EventQueue<E> {
    public static final Duration DEADLINE = Duration.ofSeconds(10);

    private final String owner;
    private final BlockingQueue<E> events = new LinkedBlockingQueue<>();

    /** @param owner who got the events, as failures name it: "the client", "the upstream" */
    public EventQueue(String owner) {
        this.owner = owner;
    }

    /** Called by the peer's callbacks, on any thread. */
    public void add(E event) {
        events.add(event);
    }

    /** The next event, waiting up to {@link #DEADLINE}; {@code what} says what the test waits for. */
    public E next(String what) throws InterruptedException {
        return next(what, DEADLINE);
    }

    public E next(String what, Duration deadline) throws InterruptedException {
        E event = events.poll(deadline.toMillis(), TimeUnit.MILLISECONDS);
        if (event == null) {
            throw new AssertionError(owner + " got no " + what + " within " + deadline.toMillis() + " ms");
        }
        return event;
    }

    /** The next event, which must be a {@code type}: an event of another kind first fails the test. */
    public <T extends E> T next(Class<T> type) throws InterruptedException {
        return next(type, DEADLINE);
    }

    public <T extends E> T next(Class<T> type, Duration deadline) throws InterruptedException {
        E event = next(type.getSimpleName(), deadline);
        if (!type.isInstance(event)) {
            throw new AssertionError(owner + " got " + event + " where the test expected " + type.getSimpleName());
        }
        return type.cast(event);
    }

    /** Nothing is waiting to be taken: every event the test expected was taken, and no other came. */
    public void assertExhausted() {
        List<E> left = new ArrayList<>(events);
        if (!left.isEmpty()) {
            throw new AssertionError(owner + " got more than the test took: " + left);
        }
    }

    /** Forgets what is waiting (a test that moved on and wants its heap back). */
    public void clear() {
        events.clear();
    }
}
