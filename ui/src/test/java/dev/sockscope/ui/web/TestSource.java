package dev.sockscope.ui.web;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** A live source the test feeds by hand. */
final class TestSource implements LiveSource {
    private final List<Consumer<LiveEvent>> listeners = new CopyOnWriteArrayList<>();

    @Override
    public AutoCloseable subscribe(Consumer<LiveEvent> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    void publish(LiveEvent event) {
        listeners.forEach(l -> l.accept(event));
    }

    @Override
    public void close() {
        listeners.clear();
    }
}
