package dev.sockscope.capture;

import java.util.List;

/**
 * A subscriber to a bus. Called on the subscriber's own thread, never on a publisher's (relay) thread, with events in
 * publication order; batches let a store write many events in one transaction.
 */
@FunctionalInterface
public interface BusListener<E> {
    void onEvents(List<E> events) throws Exception;

    /** {@link #dueAt()} when the listener holds nothing back. */
    long NEVER = Long.MAX_VALUE;

    /**
     * When ({@link System#nanoTime()}) this listener wants {@link #onDue()} though no event has come: for a listener
     * that holds events back to hand them on in batches of its own (the decoding stage writing for the recorder).
     */
    default long dueAt() {
        return NEVER;
    }

    /**
     * Called on the subscriber's thread once {@link #dueAt()} has passed, before a drain barrier completes, and when
     * the bus shuts down: hand on what is held back. Throwing fails the subscriber as {@link #onEvents} does.
     */
    default void onDue() throws Exception {
    }

    /** Called once after the last batch, when the bus shuts down. */
    default void onShutdown() throws Exception {
    }
}
