package dev.sockscope.proxy.intercept;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import dev.sockscope.wire.MicroClock;

/**
 * Where the relay asks what to do with each whole data message while intercepting is on: the ordered
 * {@link DecisionSource}s (the breakpoints first, then any added with {@link #addSource}) answer with a
 * {@link Decision}, and held messages wait here until released. One per proxy, shared by its sessions; socket-free.
 *
 * <p>The relay reads {@link #active} once per network read: while it is false (no breakpoint, no other source with
 * anything to do) sessions pass bytes through untouched and never call {@link #decide}.
 */
public final class InterceptPoint {
    private final Breakpoints breakpoints;
    private final List<DecisionSource> sources = new CopyOnWriteArrayList<>();
    /** The sources after the breakpoints, for {@link #active}: usually none, so that a read costs one volatile check. */
    private volatile DecisionSource[] others = new DecisionSource[0];
    private final Map<Long, Entry> held = new ConcurrentSkipListMap<>();
    private final AtomicLong holdIds = new AtomicLong();
    private final MicroClock clock;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    private record Entry(HeldMessage held, HoldOwner owner) {
    }

    public InterceptPoint(MessageLabels labels, MicroClock clock) {
        this.breakpoints = new Breakpoints(labels);
        this.clock = clock;
        sources.add(breakpoints);
    }

    /** An intercept point with breakpoints only and no decoder for labels. */
    public static InterceptPoint withoutLabels() {
        return new InterceptPoint(MessageLabels.NONE, new MicroClock());
    }

    public Breakpoints breakpoints() {
        return breakpoints;
    }

    /** Adds a source, asked after the breakpoints and the sources added before it. */
    public void addSource(DecisionSource source) {
        sources.add(source);
        others = sources.subList(1, sources.size()).toArray(DecisionSource[]::new);
    }

    /** Runs {@code listener} whenever the held messages or the breakpoints change (for live views). */
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    /** True when some source may decide anything: sessions then read message by message. */
    public boolean active() {
        if (breakpoints.active()) {
            return true;
        }
        for (DecisionSource s : others) {
            if (s.active()) {
                return true;
            }
        }
        return false;
    }

    /** Whether pings and pongs are offered to {@link #decide} too. */
    public boolean wantsControlFrames() {
        for (DecisionSource s : sources) {
            if (s.active() && s.wantsControlFrames()) {
                return true;
            }
        }
        return false;
    }

    /**
     * The decision for {@code message}: the first source's answer, {@link Decision#FORWARD} if none has one. A hold
     * is registered under a new id, to be released to {@code owner}.
     */
    public Decision decide(InterceptedMessage message, HoldOwner owner) {
        for (DecisionSource s : sources) {
            if (!s.active()) {
                continue;
            }
            Decision d = s.decide(message);
            if (d instanceof Decision.Hold h) {
                long id = holdIds.incrementAndGet();
                held.put(id, new Entry(new HeldMessage(id, message, h.why(), clock.nowMicros(), 0), owner));
                changed();
                return new Decision.Hold(id, h.why());
            }
            if (d != null) {
                return d;
            }
        }
        return Decision.FORWARD;
    }

    /** The held messages, oldest first, each with how many wait behind it. */
    public List<HeldMessage> held() {
        List<HeldMessage> list = new ArrayList<>();
        for (Entry e : held.values()) {
            HeldMessage h = e.held();
            list.add(new HeldMessage(h.id(), h.message(), h.why(), h.heldAtMicros(), e.owner().queuedBehind()));
        }
        return list;
    }

    /** Releases a held message as {@code decision}; false when nothing is held under that id (any more). */
    public boolean release(long id, Decision decision) {
        if (decision instanceof Decision.Hold) {
            throw new IllegalArgumentException("a held message is released as forward, replace, drop or close");
        }
        Entry e = held.remove(id);
        if (e == null) {
            return false;
        }
        e.owner().release(id, decision);
        changed();
        return true;
    }

    /** Removes a breakpoint; what it held goes on (and may be held again by another one). */
    public boolean removeBreakpoint(long id) {
        boolean removed = breakpoints.remove(id);
        String why = "breakpoint " + id;
        for (Entry e : List.copyOf(held.values())) {
            if (e.held().why().equals(why)) {
                release(e.held().id(), Decision.FORWARD);
            }
        }
        changed();
        return removed;
    }

    /** Sets a breakpoint and returns it with its id. */
    public Breakpoint addBreakpoint(Breakpoint b) {
        Breakpoint added = breakpoints.add(b);
        changed();
        return added;
    }

    /** The session of a held message ended: it is no longer waiting. */
    public void forget(long id) {
        if (held.remove(id) != null) {
            changed();
        }
    }

    private void changed() {
        for (Runnable r : listeners) {
            r.run();
        }
    }
}
