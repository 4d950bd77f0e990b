package dev.sockscope.decode;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;

import dev.sockscope.capture.BusListener;
import dev.sockscope.capture.EventBus;

/**
 * Decoded events the stage holds back for its writer, to hand them on in one batch per linger (a store commits once
 * per batch): what a queue and a thread of the writer's own did before (issue 20). Filled and handed on by the stage's
 * thread only; other threads only count what it holds (the lag, the stop), so that count sees a batch being written
 * until the writer returns, and never the same event twice.
 */
final class HeldBack {
    private final BusListener<DecodedEvent> writer;
    private final EventBus.Limits limits;
    private final ToLongFunction<DecodedEvent> weigher;
    private List<DecodedEvent> events = new ArrayList<>();
    private long bytes;
    /** When the oldest event held back came (nanoTime); meaningful only while {@link #events} is not empty. */
    private long since;
    /** The batch the writer has now, for counting from other threads; empty when it has none. */
    private volatile List<DecodedEvent> handedOn = List.of();
    private final AtomicLong written = new AtomicLong();

    HeldBack(BusListener<DecodedEvent> writer, EventBus.Limits limits, ToLongFunction<DecodedEvent> weigher) {
        this.writer = writer;
        this.limits = limits;
        this.weigher = weigher;
    }

    EventBus.Limits limits() {
        return limits;
    }

    long written() {
        return written.get();
    }

    synchronized void add(DecodedEvent e) {
        if (events.isEmpty()) {
            since = System.nanoTime();
        }
        events.add(e);
        bytes += weigher.applyAsLong(e);
    }

    /** When the batch is due: its linger after its first event, or now when it is full; never when empty. */
    synchronized long dueAt() {
        if (events.isEmpty()) {
            return BusListener.NEVER;
        }
        if (bytes >= limits.maxQueuedBytes() || events.size() >= limits.maxQueuedEvents()) {
            return System.nanoTime();
        }
        return since + limits.linger().toNanos();
    }

    /** Hands everything held back to the writer, which returns once it is written; what it throws goes to the bus. */
    void handOn() throws Exception {
        List<DecodedEvent> batch;
        synchronized (this) {
            if (events.isEmpty()) {
                return;
            }
            batch = events;
            events = new ArrayList<>(Math.max(16, batch.size()));
            bytes = 0;
            handedOn = batch;
        }
        try {
            writer.onEvents(batch);
            written.addAndGet(batch.size());
        } finally {
            handedOn = List.of();
        }
    }

    synchronized int count() {
        return events.size() + handedOn.size();
    }

    /** Every event held back or being written now, oldest first (a snapshot, for the lag and the stop). */
    void forEach(Consumer<? super DecodedEvent> each) {
        List<DecodedEvent> writing;
        List<DecodedEvent> held;
        synchronized (this) {
            writing = handedOn;
            held = List.copyOf(events);
        }
        writing.forEach(each);
        held.forEach(each);
    }
}
