package dev.sockscope.capture;

import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fans events out to subscribers, each with its own queue and thread, so that a slow subscriber never stalls the
 * publisher and a failing one never takes another down. The relay publishes to a {@link CaptureBus}; the decoding
 * stage publishes decoded events to a bus of its own.
 *
 * <p>{@link #publish} never blocks and never drops for a {@link Delivery#LOSSLESS} subscriber: instead the
 * relay asks {@link #whenCapacity} before it reads the next frame from a socket, which turns a full
 * queue into TCP backpressure on the peers. {@link Delivery#LOSSY} subscribers (live views) drop the
 * newest events when full and count them.
 *
 * <p>A subscriber that throws (an exception or an error such as {@link OutOfMemoryError}) is logged at ERROR with
 * the cause and gets no more events. When it is a lossless one (the recorder), the whole bus has {@link #failure()
 * failed}: {@link #hasCapacity()} is false from then on and {@link #whenCapacity} never resumes a reader until the
 * bus is closed, so the relay stops reading rather than relay frames nobody records, and {@link #onFailure} tells
 * the process so that it can stop loudly.
 */
public class EventBus<E> implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventBus.class);

    public enum Delivery { LOSSLESS, LOSSY }

    /** A lossless subscriber that threw: its name and what it threw. */
    public record Failure(String subscriber, Throwable cause) {
        /** One line for people: {@code subscriber 'recorder' failed: disk full}. */
        public String describe() {
            String message = cause.getMessage() == null ? cause.toString() : cause.getMessage();
            return "subscriber '" + subscriber + "' failed: " + message;
        }
    }

    /**
     * A queue holds at most this before the relay pauses reading (lossless) or drops (lossy). A subscriber
     * with a linger waits that long after the first event of a batch for more to come, so that under a
     * steady trickle it still gets batches (a store then commits once per batch, not once per frame).
     */
    public record Limits(long maxQueuedBytes, int maxQueuedEvents, Duration linger) {
        /** For tests and tools; a proxy takes its queues' limits from its {@link MemoryBudget}. */
        public static final Limits DEFAULT = new Limits(256L << 20, 200_000, Duration.ZERO);

        public Limits(long maxQueuedBytes, int maxQueuedEvents) {
            this(maxQueuedBytes, maxQueuedEvents, Duration.ZERO);
        }

        public Limits withLinger(Duration value) {
            return new Limits(maxQueuedBytes, maxQueuedEvents, value);
        }
    }

    private final List<BusSubscription<E>> subscriptions = new CopyOnWriteArrayList<>();
    private final Queue<Waiter> waiters = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Set once close() has let every subscriber finish: from then on publishing drops and nobody waits for room. */
    private volatile boolean drained;
    private final AtomicLong droppedAfterClose = new AtomicLong();
    private final AtomicReference<Failure> failure = new AtomicReference<>();
    private final List<Consumer<Failure>> failureActions = new CopyOnWriteArrayList<>();
    private final ToLongFunction<? super E> weigher;

    /** @param weigher what an event costs in a queue, in bytes: its payload and a fixed overhead */
    public EventBus(ToLongFunction<? super E> weigher) {
        this.weigher = weigher;
    }

    public BusSubscription<E> subscribe(String name, BusListener<E> listener, Delivery delivery, Limits limits) {
        if (closed.get()) {
            throw new IllegalStateException("bus is closed");
        }
        BusSubscription<E> s = new BusSubscription<>(this, name, listener, delivery, limits);
        subscriptions.add(s);
        s.thread.start();
        return s;
    }

    /**
     * Stops delivering to {@code s}: it gets nothing published from now on, finishes what it has queued, and its
     * thread ends (for a subscriber that lives shorter than the bus, such as one replay's watcher).
     */
    public void unsubscribe(BusSubscription<E> s) {
        if (subscriptions.remove(s)) {
            s.offerPoison();
        }
    }

    public void publish(E event) {
        if (drained) {
            // Closed and drained: no subscriber will take anything again (a straggler after the relay stopped).
            droppedAfterClose.incrementAndGet();
            return;
        }
        long weight = weigher.applyAsLong(event);
        for (BusSubscription<E> s : subscriptions) {
            s.offer(event, weight);
        }
    }

    /** True when every lossless subscriber is below its limits; false for good once one has {@link #failure() failed}. */
    public boolean hasCapacity() {
        return hasCapacity(1);
    }

    /** {@link #hasCapacity()} with every lossless subscriber's limits multiplied by {@code factor}. */
    protected final boolean hasCapacity(int factor) {
        if (failure.get() != null) {
            return false;
        }
        if (drained) {
            return true; // nothing will drain any more, and publishing drops: a reader must not wait for room
        }
        for (BusSubscription<E> s : subscriptions) {
            if (s.delivery == Delivery.LOSSLESS && s.isFull(factor)) {
                return false;
            }
        }
        return true;
    }

    /** Hands every event queued for a lossless subscriber, and not yet taken by it, to {@code each} (a snapshot, for status). */
    public void forEachQueued(Consumer<? super E> each) {
        for (BusSubscription<E> s : subscriptions) {
            if (s.delivery == Delivery.LOSSLESS) {
                s.forEachQueued(each);
            }
        }
    }

    /** Whether close() has finished: nothing will be delivered any more. */
    protected final boolean isDrained() {
        return drained;
    }

    /**
     * Runs {@code resume} exactly once: now, on the caller's thread, if there is capacity, or later, on a
     * subscriber thread, when the full queues have drained. The caller must not block in {@code resume}.
     */
    public void whenCapacity(Runnable resume) {
        if (hasCapacity()) {
            resume.run();
            return;
        }
        Waiter w = new Waiter(resume);
        waiters.add(w);
        // A drain may have finished between the check and the add: look again so that no waiter is stranded.
        if (hasCapacity()) {
            releaseWaiters();
        }
    }

    /** Called by a subscriber after each batch: room it freed may let paused readers go. */
    void releaseWaitersIfAny() {
        if (!waiters.isEmpty()) {
            releaseWaiters();
        }
    }

    long weigh(E event) {
        return weigher.applyAsLong(event);
    }

    private void releaseWaiters() {
        Waiter w;
        while (hasCapacity() && (w = waiters.poll()) != null) {
            w.run();
        }
    }

    /** The first failure of a lossless subscriber, if one has failed; nothing more is recorded after it. */
    public Optional<Failure> failure() {
        return Optional.ofNullable(failure.get());
    }

    /**
     * Runs {@code action} once when a lossless subscriber fails: on the failing subscriber's thread, or now, on the
     * caller's thread, if one already has. The action must not block (and must not close the bus on that thread).
     */
    public void onFailure(Consumer<Failure> action) {
        AtomicBoolean ran = new AtomicBoolean();
        Consumer<Failure> once = f -> {
            if (ran.compareAndSet(false, true)) {
                action.accept(f);
            }
        };
        failureActions.add(once);
        Failure already = failure.get();
        if (already != null) {
            once.accept(already);
        }
    }

    void fail(Failure f) {
        if (failure.compareAndSet(null, f)) {
            for (Consumer<Failure> action : failureActions) {
                try {
                    action.accept(f);
                } catch (RuntimeException e) {
                    LOG.error("reporting the failure of subscriber '{}' failed", f.subscriber(), e);
                }
            }
        }
    }

    /**
     * Fails this bus when {@code downstream} fails: for a stage that subscribes to this bus losslessly and publishes to
     * {@code downstream}, so that a failed recorder behind the stage stops the relay in front of it at once.
     */
    public void failWhen(EventBus<?> downstream) {
        downstream.onFailure(this::fail);
    }

    /** A drain barrier over every lossless subscriber (see {@link BusSubscription#flush()}). */
    public CompletableFuture<Void> flush() {
        return CompletableFuture.allOf(subscriptions.stream().filter(s -> s.delivery == Delivery.LOSSLESS)
                .map(BusSubscription::flush).toArray(CompletableFuture[]::new));
    }

    /** Total events dropped by lossy subscribers, and by any subscriber after it failed. */
    public long dropped() {
        return droppedAfterClose.get() + subscriptions.stream().mapToLong(s -> s.dropped.get()).sum();
    }

    /** Waits until every queue is empty and every subscriber has been told to shut down. */
    public void close(Duration timeout) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        for (BusSubscription<E> s : subscriptions) {
            s.offerPoison();
        }
        for (BusSubscription<E> s : subscriptions) {
            try {
                s.thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (s.thread.isAlive()) {
                LOG.error("subscriber '{}' did not finish within {}: {} events still queued", s.name, timeout, s.queue.size());
            }
        }
        // Nobody will drain any more: let paused readers go so that sockets can close.
        drained = true;
        releaseAll();
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }

    private void releaseAll() {
        // Only the waiters there now: a resumed reader that registers again must not keep this loop going.
        for (int n = waiters.size(); n > 0; n--) {
            Waiter w = waiters.poll();
            if (w == null) {
                return;
            }
            w.run();
        }
    }

    private static final class Waiter {
        private final AtomicBoolean done = new AtomicBoolean();
        private final Runnable resume;

        Waiter(Runnable resume) {
            this.resume = resume;
        }

        void run() {
            if (done.compareAndSet(false, true)) {
                try {
                    resume.run();
                } catch (RuntimeException e) {
                    LOG.warn("resuming a paused reader failed", e);
                }
            }
        }
    }
}
