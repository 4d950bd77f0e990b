package dev.sockscope.proxy.jetty;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;

import dev.sockscope.proxy.tap.PassThroughSession;
import dev.sockscope.proxy.tap.Sockets;
import dev.sockscope.wire.Direction;

/** The two legs of one pass-through session, as the {@link Sockets} its core writes to. */
final class PassThroughLink implements Sockets, OpenSessions.Live {
    private final Scheduler scheduler;
    private final Duration idleTimeout;
    private final AtomicInteger opened = new AtomicInteger();
    private final AtomicInteger closed = new AtomicInteger();
    private volatile PassThroughSession session;
    private volatile PumpConnection client;
    private volatile PumpConnection upstream;
    private volatile Runnable onIdle;
    private Runnable pendingClose; // guarded by this

    PassThroughLink(Scheduler scheduler, Duration idleTimeout) {
        this.scheduler = scheduler;
        this.idleTimeout = idleTimeout;
    }

    void bind(PassThroughSession session, PumpConnection client, PumpConnection upstream, Runnable onIdle) {
        this.session = session;
        this.client = client;
        this.upstream = upstream;
        this.onIdle = onIdle;
    }

    PassThroughSession session() {
        return session;
    }

    @Override
    public long id() {
        return session.id();
    }

    @Override
    public java.util.concurrent.CompletableFuture<Long> inject(Direction to, dev.sockscope.proxy.intercept.Injection what) {
        if (opened.get() < 2) {
            return java.util.concurrent.CompletableFuture.failedFuture(new IllegalStateException("session " + id() + " is still opening"));
        }
        return session.inject(to, what);
    }

    PumpConnection other(PumpConnection leg) {
        return leg == client ? upstream : client;
    }

    private PumpConnection receiver(Direction d) {
        return d == Direction.CLIENT_TO_SERVER ? upstream : client;
    }

    /** A leg is open; once both are, both start pumping, and a close the proxy asked for meanwhile is sent. */
    void opened(PumpConnection leg) {
        if (opened.incrementAndGet() == 2) {
            long idle = idleTimeout.isZero() ? -1 : idleTimeout.toMillis();
            client.getEndPoint().setIdleTimeout(idle);
            upstream.getEndPoint().setIdleTimeout(idle);
            upstream.start();
            client.start();
            Runnable close;
            synchronized (this) {
                close = pendingClose;
                pendingClose = null;
            }
            if (close != null) {
                close.run();
            }
        }
    }

    void closed(PumpConnection leg) {
        if (closed.incrementAndGet() == 2) {
            session.onClosed();
        } else {
            // One leg gone: the other cannot carry anything more, so it goes too.
            PumpConnection other = other(leg);
            if (other != null && opened.get() < 2) {
                other.getEndPoint().close();
            }
        }
    }

    /**
     * The proxy's own close. Until both legs are open the client's endpoint still belongs to the HTTP connection
     * writing the 101, so the close waits for {@link #opened}.
     */
    @Override
    public void closeByProxy(int code, String reason, String why) {
        synchronized (this) {
            if (opened.get() < 2) {
                pendingClose = () -> session.closeByProxy(code, reason, why);
                return;
            }
        }
        session.closeByProxy(code, reason, why);
    }

    /** The client's 101 could not be written: the upstream leg goes, and the session ends here. */
    void clientUpgradeFailed(String why) {
        session.onFailure(Direction.CLIENT_TO_SERVER, new IOException(why));
        upstream.getEndPoint().close();
        session.onClosed();
    }

    void idle() {
        onIdle.run();
    }

    @Override
    public void write(Direction direction, ByteBuffer[] bytes, Completion done) {
        receiver(direction).getEndPoint().write(Callback.from(() -> done.completed(null), done::completed), bytes);
    }

    @Override
    public void shutdownOutput(Direction direction) {
        receiver(direction).getEndPoint().shutdownOutput();
    }

    @Override
    public void closeBoth() {
        client.getEndPoint().close();
        upstream.getEndPoint().close();
    }

    @Override
    public void schedule(Duration delay, Runnable task) {
        scheduler.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS); // a delayed message never goes early
    }
}
