package dev.sockscope.proxy.jetty;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Closes a connection whose client has not sent a whole upgrade request within the handshake timeout,
 * however slowly it trickles bytes (the idle timeout alone would let a trickle live forever).
 */
final class HandshakeDeadline implements Connection.Listener {
    private final Scheduler scheduler;
    private final Duration timeout;
    private final Set<EndPoint> awaitingRequest = ConcurrentHashMap.newKeySet();

    HandshakeDeadline(Scheduler scheduler, Duration timeout) {
        this.scheduler = scheduler;
        this.timeout = timeout;
    }

    /** The whole request arrived on {@code endPoint}: its deadline no longer applies. */
    void requestArrived(EndPoint endPoint) {
        awaitingRequest.remove(endPoint);
    }

    @Override
    public void onOpened(Connection connection) {
        if (!(connection instanceof HttpConnection)) {
            return;
        }
        EndPoint endPoint = connection.getEndPoint();
        awaitingRequest.add(endPoint);
        scheduler.schedule(() -> {
            if (awaitingRequest.remove(endPoint)) {
                endPoint.close(new TimeoutException("no complete upgrade request within " + timeout.toSeconds() + " s"));
            }
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void onClosed(Connection connection) {
        awaitingRequest.remove(connection.getEndPoint());
    }
}
