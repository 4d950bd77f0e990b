package dev.sockscope.capture;

import java.util.List;

/**
 * A subscriber to a bus. Called on the subscriber's own thread, never on a publisher's (relay) thread, with events in
 * publication order; batches let a store write many events in one transaction.
 */
@FunctionalInterface
public interface BusListener<E> {
    void onEvents(List<E> events) throws Exception;

    /** Called once after the last batch, when the bus shuts down. */
    default void onShutdown() throws Exception {
    }
}
