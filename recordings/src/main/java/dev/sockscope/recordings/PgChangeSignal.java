package dev.sockscope.recordings;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A team store's {@link ChangeSignal}: a connection of its own LISTENs on {@link #CHANNEL}, which every writer
 * NOTIFYs in the transaction that writes (delivered at commit). When that connection drops, the signal is down and
 * it connects again every 2 s (the reader polls meanwhile); once it is back, it signals once so that the reader catches up.
 */
final class PgChangeSignal implements ChangeSignal {
    static final String CHANNEL = "sockscope_changes";
    /** How the listening connection names itself to the server ({@code pg_stat_activity.application_name}). */
    static final String APPLICATION = "sockscope-listen";
    private static final Logger LOG = LoggerFactory.getLogger(PgChangeSignal.class);
    private static final int WAIT_MILLIS = 500;
    private static final long RECONNECT_MILLIS = 2000;

    private final StoreLocation.Postgres location;
    private final Thread listener;
    private volatile boolean live;
    private volatile boolean closed;
    private volatile Connection connection;
    private boolean changed; // guarded by this

    PgChangeSignal(StoreLocation.Postgres location) {
        this.location = location;
        this.listener = new Thread(this::listen, "sockscope-live-listen");
        listener.setDaemon(true);
        listener.start();
    }

    @Override
    public synchronized boolean await(Duration max) throws InterruptedException {
        long until = System.nanoTime() + max.toNanos();
        while (!changed && !closed) {
            long left = until - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        boolean was = changed;
        changed = false;
        return was;
    }

    @Override
    public boolean live() {
        return live;
    }

    private synchronized void signal() {
        changed = true;
        notifyAll();
    }

    private void listen() {
        while (!closed) {
            try (Connection c = connect()) {
                connection = c;
                try (Statement s = c.createStatement()) {
                    s.execute("LISTEN " + CHANNEL);
                }
                if (!live) {
                    LOG.debug("listening for changes to {}", location);
                }
                live = true;
                signal(); // what was written while nobody listened
                PGConnection pg = c.unwrap(PGConnection.class);
                while (!closed) {
                    PGNotification[] got = pg.getNotifications(WAIT_MILLIS);
                    if (got != null && got.length > 0) {
                        signal();
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (live && !closed) {
                    LOG.info("live updates from {} fall back to polling: {}", location, e.getMessage());
                }
                live = false;
                signal(); // the reader stops waiting for a signal and polls
                sleepBeforeRetry();
            } finally {
                connection = null;
            }
        }
        live = false;
    }

    private Connection connect() throws SQLException {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(location.jdbcUrl());
        ds.setUser(location.user());
        if (location.password() != null) {
            ds.setPassword(location.password());
        }
        ds.setApplicationName(APPLICATION);
        ds.setConnectTimeout(10);
        ds.setTcpKeepAlive(true);
        return ds.getConnection();
    }

    private void sleepBeforeRetry() {
        synchronized (this) {
            try {
                long until = System.currentTimeMillis() + RECONNECT_MILLIS;
                while (!closed && System.currentTimeMillis() < until) {
                    wait(Math.max(1, until - System.currentTimeMillis()));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                closed = true;
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        synchronized (this) {
            notifyAll();
        }
        Connection c = connection;
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                LOG.debug("closing the listening connection: {}", e.getMessage());
            }
        }
        try {
            listener.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
