package dev.sockscope.ui.web;

import java.util.function.Consumer;

/**
 * Where live events come from: in a proxy, the decoding stage; in {@code sockscope ui}, the store, polled. A source
 * calls listeners on its own thread and never waits for them: a listener must return at once (the live feed queues
 * and drops, so that no browser can slow recording down).
 */
public interface LiveSource extends AutoCloseable {

    /** Starts delivering events to {@code listener} until the returned handle is closed. */
    AutoCloseable subscribe(Consumer<LiveEvent> listener);

    /**
     * Why live events have stopped coming, while they have: a source that reads the store says so when reading fails,
     * and {@code /api/status} shows it in the pages' header. Null while all is well.
     */
    default Problem problem() {
        return null;
    }

    /** What went wrong, and since when (ms since the epoch). */
    record Problem(String text, long sinceMillis) {
    }

    @Override
    void close();
}
