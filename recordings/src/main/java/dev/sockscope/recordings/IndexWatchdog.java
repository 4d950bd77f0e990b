package dev.sockscope.recordings;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the writes that bring an index up to its recording files after a crash, and gives the index up when they
 * stop making progress. After a {@code kill -9}, H2 has been seen to keep a row version of the killed process's last
 * transaction without the means to undo it; any write to that row then spins inside H2 for good, at one core, with no
 * timeout. The only way out is to shut that database down from another connection ({@code SHUTDOWN IMMEDIATELY}: the
 * spinning write then fails), and to build the index anew from the recording files, which hold everything.
 */
final class IndexWatchdog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IndexWatchdog.class);
    /** How long the catch-up may go without applying anything: the slowest single step is a delete of one session. */
    static final long STALL_MILLIS = Long.getLong("sockscope.indexStallMillis", 30_000);
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sockscope index watchdog");
        t.setDaemon(true);
        return t;
    });

    private final AtomicLong progress = new AtomicLong();
    private final DataSource database;
    private final String what;
    private final ScheduledFuture<?> check;
    private long seen = -1;
    private long seenAt = System.nanoTime();
    private volatile boolean fired;

    private final long stallMillis;

    private IndexWatchdog(DataSource database, String what, long stallMillis) {
        this.database = database;
        this.what = what;
        this.stallMillis = stallMillis;
        long period = Math.max(50, stallMillis / 4);
        this.check = TIMER.scheduleWithFixedDelay(this::check, period, period, TimeUnit.MILLISECONDS);
    }

    /** Starts watching {@code what} (for the log) on {@code database}, an in-process H2 database. */
    static IndexWatchdog watch(DataSource database, String what) {
        return watch(database, what, STALL_MILLIS);
    }

    static IndexWatchdog watch(DataSource database, String what, long stallMillis) {
        return new IndexWatchdog(database, what, stallMillis);
    }

    /** Called for every step done: a record applied, a session's rows removed. */
    void progressed() {
        progress.incrementAndGet();
    }

    /** Whether the watched work was given up (its database shut down under it). */
    boolean fired() {
        return fired;
    }

    private synchronized void check() {
        long now = progress.get();
        if (now != seen) {
            seen = now;
            seenAt = System.nanoTime();
            return;
        }
        if (fired || System.nanoTime() - seenAt < TimeUnit.MILLISECONDS.toNanos(stallMillis)) {
            return;
        }
        fired = true;
        LOG.warn("{} made no progress for {} s (H2 is stuck on a row the killed recorder's transaction left behind):"
                + " shutting that index down to build it anew from the recording files", what, stallMillis / 1000.0);
        try (Connection c = database.getConnection(); Statement st = c.createStatement()) {
            st.execute("SHUTDOWN IMMEDIATELY");
        } catch (SQLException | RuntimeException e) {
            LOG.debug("shutdown of a stuck index: {}", e.getMessage()); // it fails the stuck write, as it should
        }
        check.cancel(false);
    }

    @Override
    public void close() {
        check.cancel(false);
    }

    /** The failure that says the index was given up; {@link IndexDamage#looksDamaged} knows it. */
    static final class Stalled extends RuntimeException {
        Stalled(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
