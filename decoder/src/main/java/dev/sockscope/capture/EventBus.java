package dev.sockscope.capture;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
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
    private static final int MAX_BATCH = 4096;

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

    private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
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

    public Subscription subscribe(String name, BusListener<E> listener, Delivery delivery, Limits limits) {
        if (closed.get()) {
            throw new IllegalStateException("bus is closed");
        }
        Subscription s = new Subscription(name, listener, delivery, limits);
        subscriptions.add(s);
        s.thread.start();
        return s;
    }

    /**
     * Stops delivering to {@code s}: it gets nothing published from now on, finishes what it has queued, and its
     * thread ends (for a subscriber that lives shorter than the bus, such as one replay's watcher).
     */
    public void unsubscribe(Subscription s) {
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
        for (Subscription s : subscriptions) {
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
        for (Subscription s : subscriptions) {
            if (s.delivery == Delivery.LOSSLESS && s.isFull(factor)) {
                return false;
            }
        }
        return true;
    }

    /** Hands every event queued for a lossless subscriber, and not yet taken by it, to {@code each} (a snapshot, for status). */
    public void forEachQueued(Consumer<? super E> each) {
        for (Subscription s : subscriptions) {
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

    private void fail(Failure f) {
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

    /** A drain barrier over every lossless subscriber (see {@link Subscription#flush()}). */
    public CompletableFuture<Void> flush() {
        return CompletableFuture.allOf(subscriptions.stream().filter(s -> s.delivery == Delivery.LOSSLESS)
                .map(Subscription::flush).toArray(CompletableFuture[]::new));
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
        for (Subscription s : subscriptions) {
            s.offerPoison();
        }
        for (Subscription s : subscriptions) {
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

    /** One subscriber's queue and thread. */
    public final class Subscription {
        private static final Object POISON = new Object();
        private static final Object[] NOTHING = {};

        /** A drain barrier in the queue. */
        private record Flush(CompletableFuture<Void> done) {
        }

        private final String name;
        private final BusListener<E> listener;
        private final Delivery delivery;
        private final Limits limits;
        private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
        private final AtomicLong queuedBytes = new AtomicLong();
        private final AtomicLong dropped = new AtomicLong();
        private volatile Throwable failed;
        private final AtomicLong delivered = new AtomicLong();
        private final Thread thread;
        /** Set once the thread will take nothing more from the queue. */
        private volatile boolean finished;

        private Subscription(String name, BusListener<E> listener, Delivery delivery, Limits limits) {
            this.name = name;
            this.listener = listener;
            this.delivery = delivery;
            this.limits = limits;
            this.thread = new Thread(this::run, "sockscope-" + name);
            this.thread.setDaemon(true);
        }

        boolean isFull() {
            return isFull(1);
        }

        boolean isFull(int factor) {
            return queuedBytes.get() >= limits.maxQueuedBytes() * factor || queue.size() >= (long) limits.maxQueuedEvents() * factor;
        }

        void forEachQueued(Consumer<? super E> each) {
            Object[] taken = inProgress;
            for (Object o : taken) {
                each.accept(cast(o));
            }
            for (Object o : queue) {
                if (o != POISON && !(o instanceof Flush)) {
                    each.accept(cast(o));
                }
            }
        }

        void offer(E event, long weight) {
            if (failed != null || (delivery == Delivery.LOSSY && isFull())) {
                dropped.incrementAndGet();
                return;
            }
            queuedBytes.addAndGet(weight);
            queue.add(event);
        }

        void offerPoison() {
            queue.add(POISON);
        }

        public Limits limits() {
            return limits;
        }

        public long delivered() {
            return delivered.get();
        }

        /** What the listener threw, if it did; it has been given no events since. */
        public Optional<Throwable> failure() {
            return Optional.ofNullable(failed);
        }

        public int queued() {
            return queue.size();
        }


        /**
         * A future that completes once every event published before this call has been handed to the listener and
         * the listener has returned: a drain barrier (a marker goes through the queue behind those events). It
         * completes exceptionally if the listener has failed, with what it threw.
         */
        public CompletableFuture<Void> flush() {
            Flush marker = new Flush(new CompletableFuture<>());
            queue.add(marker);
            // The thread sets finished before its last look at the queue: either that look sees the marker, or we see finished.
            if (finished) {
                settle(marker);
            }
            return marker.done();
        }

        private void settle(Flush marker) {
            Throwable t = failed;
            if (t == null) {
                marker.done().complete(null);
            } else {
                marker.done().completeExceptionally(t);
            }
        }

        private void run() {
            try {
                loop();
            } catch (Throwable t) {
                // Not the listener (deliver catches that): the loop itself, e.g. out of memory while draining.
                failWith(t, "taking events from its queue");
                drainAfterFailure();
            }
            try {
                listener.onShutdown();
            } catch (Exception e) {
                LOG.error("subscriber '{}' failed to shut down cleanly", name, e);
            }
            finished = true;
            for (Object o; (o = queue.poll()) != null; ) {
                if (o instanceof Flush marker) {
                    settle(marker);
                }
            }
        }

        /** After a failure: throw away what comes until the bus closes, so that close() does not wait for a dead subscriber. */
        private void drainAfterFailure() {
            while (true) {
                Object o;
                try {
                    o = queue.take();
                } catch (InterruptedException e) {
                    return;
                }
                if (o == POISON) {
                    return;
                }
                if (o instanceof Flush marker) {
                    settle(marker);
                } else {
                    dropped.incrementAndGet();
                    queuedBytes.addAndGet(-weigher.applyAsLong(cast(o)));
                }
            }
        }

        private void loop() {
            List<Object> drained = new ArrayList<>(MAX_BATCH);
            boolean stop = false;
            while (!stop) {
                try {
                    Object first = next();
                    if (first == null) {
                        handOverDue(); // nothing came, and the listener's held-back events are due
                        continue;
                    }
                    drained.add(first);
                } catch (InterruptedException e) {
                    break;
                }
                queue.drainTo(drained, MAX_BATCH - 1);
                lingerForMore(drained);
                for (Object o : drained) {
                    if (o == POISON) {
                        stop = true;
                    } else if (o instanceof Flush marker) {
                        // Everything before the marker is handed over before the marker is settled.
                        handOver();
                        handOverDue();
                        settle(marker);
                    } else {
                        E e = cast(o);
                        batch.add(e);
                        batchBytes += weigher.applyAsLong(e);
                    }
                }
                drained.clear();
                handOver();
                long due = listener.dueAt();
                if (stop || (due != BusListener.NEVER && due - System.nanoTime() <= 0)) {
                    handOverDue();
                }
                if (!waiters.isEmpty()) {
                    releaseWaiters();
                }
            }
        }

        /** The next thing queued; null when the listener's {@link BusListener#dueAt()} came first. */
        private Object next() throws InterruptedException {
            long due = listener.dueAt();
            if (due == BusListener.NEVER) {
                return queue.take();
            }
            return queue.poll(Math.max(0, due - System.nanoTime()), TimeUnit.NANOSECONDS);
        }

        /** Lets the listener hand on what it holds back ({@link BusListener#onDue()}); a throw fails it as a batch does. */
        private void handOverDue() {
            if (failed != null) {
                return;
            }
            try {
                listener.onDue();
            } catch (Throwable t) {
                failWith(t, "handing on what it held back");
            }
        }

        private final List<E> batch = new ArrayList<>(MAX_BATCH);
        /** The batch the listener is working on, for {@link #forEachQueued} on other threads. */
        private volatile Object[] inProgress = NOTHING;
        private long batchBytes;

        /** Gives the gathered batch to the listener, then frees its room in the queue (so the relay resumes only after). */
        private void handOver() {
            if (!batch.isEmpty()) {
                inProgress = batch.toArray();
                if (failed == null && deliver(batch)) {
                    delivered.addAndGet(batch.size());
                } else {
                    dropped.addAndGet(batch.size());
                }
                inProgress = NOTHING;
                batch.clear();
            }
            queuedBytes.addAndGet(-batchBytes);
            batchBytes = 0;
        }

        @SuppressWarnings("unchecked")
        private E cast(Object o) {
            return (E) o;
        }

        /**
         * Waits once for the linger time, then takes what has come, instead of waking up for every event: at
         * tens of thousands of events a second, a poll per event cost a quarter of the recorder's CPU. A flush or
         * the bus closing is not kept waiting.
         */
        private void lingerForMore(List<Object> drained) {
            long lingerNanos = limits.linger().toNanos();
            if (lingerNanos <= 0 || drained.size() >= MAX_BATCH / 4) {
                return;
            }
            for (Object o : drained) {
                if (o == POISON || o instanceof Flush) {
                    return;
                }
            }
            inProgress = drained.toArray(); // taken from the queue, not yet handed over: still counted as queued
            LockSupport.parkNanos(lingerNanos);
            queue.drainTo(drained, MAX_BATCH - drained.size());
        }

        /** Hands a batch to the listener; false when it threw (then it is failed and gets nothing more). */
        private boolean deliver(List<E> batch) {
            try {
                listener.onEvents(batch);
                return true;
            } catch (Throwable t) {
                // Never swallowed: a recorder that skipped a batch and went on would leave holes nobody sees. Other
                // subscribers are not affected; a lossless one fails the bus, so the relay stops reading.
                failWith(t, batch.size());
                return false;
            }
        }

        private void failWith(Throwable t, int batchSize) {
            failWith(t, "on a batch of " + batchSize + " events");
        }

        /** @param where what the listener was doing: {@code on a batch of 3 events}, {@code handing on what it held back} */
        private void failWith(Throwable t, String where) {
            failed = t;
            if (delivery == Delivery.LOSSLESS) {
                LOG.error("subscriber '{}' failed {}; it gets no more events, and the relay stops"
                        + " reading so that nothing goes unrecorded", name, where, t);
                fail(new Failure(name, t));
            } else {
                LOG.error("subscriber '{}' failed {}; it gets no more events", name, where, t);
            }
        }
    }
}
