package dev.sockscope.proxy.intercept;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** The breakpoints the user set: a {@link DecisionSource} that holds what any of them matches. */
public final class Breakpoints implements DecisionSource {
    private final CopyOnWriteArrayList<Breakpoint> set = new CopyOnWriteArrayList<>();
    private final AtomicLong ids = new AtomicLong();
    private final MessageLabels labels;
    private volatile boolean any;
    private volatile boolean pings;

    public Breakpoints(MessageLabels labels) {
        this.labels = labels;
    }

    /** Sets {@code b} (its id is ignored) and returns it with the id it was given. */
    public Breakpoint add(Breakpoint b) {
        Breakpoint added = b.withId(ids.incrementAndGet());
        set.add(added);
        changed();
        return added;
    }

    /** Removes the breakpoint; false if there was none with that id. */
    public boolean remove(long id) {
        boolean removed = set.removeIf(b -> b.id() == id);
        changed();
        return removed;
    }

    public List<Breakpoint> list() {
        return List.copyOf(set);
    }

    private void changed() {
        any = !set.isEmpty();
        pings = set.stream().anyMatch(Breakpoint::pings);
    }

    @Override
    public Decision decide(InterceptedMessage message) {
        MessageLabels.Labels[] decoded = new MessageLabels.Labels[1];
        for (Breakpoint b : set) {
            if (b.matches(message, () -> decoded[0] == null ? decoded[0] = labels.of(message) : decoded[0])) {
                return Decision.hold("breakpoint " + b.id());
            }
        }
        return null;
    }

    @Override
    public boolean active() {
        return any;
    }

    @Override
    public boolean wantsControlFrames() {
        return pings;
    }
}
