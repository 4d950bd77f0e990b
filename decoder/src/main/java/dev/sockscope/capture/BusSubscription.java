package dev.sockscope.capture;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One subscriber of an {@link EventBus}: its queue and the thread that hands the queue's events to its listener in
 * batches, lingering for more when the subscriber asks to, and settling drain barriers in order.
 */
public final class BusSubscription<E> {
    // The bus's logger: the log has always said 'EventBus - subscriber ... failed', and scripts may look for it.
    private static final Logger LOG = LoggerFactory.getLogger(EventBus.class);
    private static final int MAX_BATCH = 4096;
    private static final Object POISON = new Object();
    private static final Object[] NOTHING = {};

    /** A drain barrier in the queue. */
    private record Flush(CompletableFuture<Void> done) {
    }

    private final EventBus<E> bus;
    final String name;
    private final BusListener<E> listener;
    final EventBus.Delivery delivery;
    private final EventBus.Limits limits;
    final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final AtomicLong queuedBytes = new AtomicLong();
    final AtomicLong dropped = new AtomicLong();
    private volatile Throwable failed;
    private final AtomicLong delivered = new AtomicLong();
    final Thread thread;
    /** Set once the thread will take nothing more from the queue. */
    private volatile boolean finished;

    BusSubscription(EventBus<E> bus, String name, BusListener<E> listener, EventBus.Delivery delivery, EventBus.Limits limits) {
        this.bus = bus;
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
        if (failed != null || (delivery == EventBus.Delivery.LOSSY && isFull())) {
            dropped.incrementAndGet();
            return;
        }
        queuedBytes.addAndGet(weight);
        queue.add(event);
    }

    void offerPoison() {
        queue.add(POISON);
    }

    public EventBus.Limits limits() {
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
                queuedBytes.addAndGet(-bus.weigh(cast(o)));
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
                    batchBytes += bus.weigh(e);
                }
            }
            drained.clear();
            handOver();
            long due = listener.dueAt();
            if (stop || (due != BusListener.NEVER && due - System.nanoTime() <= 0)) {
                handOverDue();
            }
            bus.releaseWaitersIfAny();
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
        if (delivery == EventBus.Delivery.LOSSLESS) {
            LOG.error("subscriber '{}' failed {}; it gets no more events, and the relay stops"
                    + " reading so that nothing goes unrecorded", name, where, t);
            bus.fail(new EventBus.Failure(name, t));
        } else {
            LOG.error("subscriber '{}' failed {}; it gets no more events", name, where, t);
        }
    }
}
