package dev.sockscope.proxy.tap;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import dev.sockscope.wire.Direction;

/**
 * Whether the sender of a direction may be read now, for what rules ask: a stall (not read at all for a while, or
 * until released: a slow consumer) and a throttle (read at most so many bytes per second). While reading waits, the
 * sender's bytes stay in TCP buffers and TCP pushes back on it. No thread waits: a timer resumes reading. Until a rule
 * asks, a direction's gate is open and costs one volatile read per network read.
 */
final class ReadGates {
    private final Sockets sockets;
    private final Map<Direction, Gate> gates = new EnumMap<>(Direction.class);

    ReadGates(Sockets sockets) {
        this.sockets = sockets;
        for (Direction d : Direction.values()) {
            gates.put(d, new Gate());
        }
    }

    /** True if the sender of {@code d} may be read now; if not, {@code resume} runs once it may. */
    boolean mayRead(Direction d, Runnable resume) {
        Gate g = gates.get(d);
        return !g.engaged || g.mayRead(resume);
    }

    /** {@code bytes} were read from the sender of {@code d} (a throttle counts them). */
    void read(Direction d, int bytes) {
        Gate g = gates.get(d);
        if (g.engaged) {
            g.read(bytes);
        }
    }

    /** Stops reading the sender of {@code d} for {@code duration}, or until {@code releasedBy} completes (both null: for good). */
    void stall(Direction d, Duration duration, CompletableFuture<Void> releasedBy) {
        Gate g = gates.get(d);
        g.stall(duration == null ? Long.MAX_VALUE : System.nanoTime() + duration.toNanos());
        if (releasedBy != null) {
            releasedBy.whenComplete((done, failed) -> g.release());
        }
    }

    /** Reads the sender of {@code d} at most {@code bytesPerSecond} from now on (0: as fast as it comes). */
    void throttle(Direction d, long bytesPerSecond) {
        gates.get(d).throttle(bytesPerSecond);
    }

    private final class Gate {
        volatile boolean engaged;
        // Guarded by this.
        private long stalledUntil;
        private long bytesPerSecond;
        private long nextReadAt;
        private Runnable resume;
        private long timerAt = Long.MAX_VALUE;

        synchronized boolean mayRead(Runnable onOpen) {
            long now = System.nanoTime();
            long until = Math.max(stalledUntil, bytesPerSecond > 0 ? nextReadAt : 0);
            if (until - now <= 0) {
                return true;
            }
            resume = onOpen;
            if (until != Long.MAX_VALUE && until < timerAt) {
                timerAt = until;
                sockets.schedule(Duration.ofNanos(until - now), this::timer);
            }
            return false;
        }

        synchronized void read(long bytes) {
            if (bytesPerSecond > 0) {
                long now = System.nanoTime();
                nextReadAt = Math.max(nextReadAt, now) + bytes * 1_000_000_000L / bytesPerSecond;
            }
        }

        void stall(long until) {
            synchronized (this) {
                stalledUntil = until; // the latest stall says how long
                engaged = true;
            }
        }

        void release() {
            synchronized (this) {
                stalledUntil = 0;
            }
            wake();
        }

        void throttle(long rate) {
            synchronized (this) {
                bytesPerSecond = rate;
                nextReadAt = System.nanoTime();
                engaged = true;
            }
            wake(); // a faster rate (or none) may open the gate sooner than the timer would
        }

        private void timer() {
            synchronized (this) {
                timerAt = Long.MAX_VALUE;
            }
            wake();
        }

        private void wake() {
            Runnable r;
            synchronized (this) {
                r = resume;
                resume = null;
            }
            if (r != null) {
                r.run(); // reading asks again, and waits again if it still may not
            }
        }
    }
}
