package dev.sockscope.proxy.jetty;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;

import dev.sockscope.proxy.intercept.Injection;
import dev.sockscope.wire.Direction;
import org.slf4j.LoggerFactory;

/**
 * The relay's open sessions, whichever upgrade path opened them: counted, waited on until none is left, and
 * closed by the proxy at shutdown. Once {@link #stopAccepting} is called, upgrades are refused.
 */
final class OpenSessions {
    private static final Logger LOG = LoggerFactory.getLogger(OpenSessions.class);

    /** A session that the proxy may have to close itself. */
    interface Live {
        void closeByProxy(int code, String reason, String why);

        /** The session's id (its frames' sessionId). */
        long id();

        /** Sends a message of the user's into the session (pass-through sessions only). */
        default CompletableFuture<Long> inject(Direction to, Injection what) {
            return CompletableFuture.failedFuture(new UnsupportedOperationException(
                    "session " + id() + " is relayed with --terminate: sending into it is not supported"));
        }
    }

    private final Set<Live> active = ConcurrentHashMap.newKeySet();
    private final java.util.Map<Long, Live> byId = new ConcurrentHashMap<>();
    /** Completed when {@link #active} next becomes empty; guarded by {@code active}. */
    private final List<CompletableFuture<Void>> idleWaiters = new ArrayList<>();
    private volatile boolean stopping;

    /** An upgrade succeeded upstream: the session counts as open until {@link #ended}. */
    void opened(Live session) {
        active.add(session);
        byId.put(session.id(), session);
    }

    /** The open session with this id, if it is open. */
    java.util.Optional<Live> find(long id) {
        return java.util.Optional.ofNullable(byId.get(id));
    }

    void ended(Live session) {
        List<CompletableFuture<Void>> idle = List.of();
        synchronized (active) {
            active.remove(session);
            byId.remove(session.id(), session);
            active.notifyAll();
            if (active.isEmpty() && !idleWaiters.isEmpty()) {
                idle = new ArrayList<>(idleWaiters);
                idleWaiters.clear();
            }
        }
        idle.forEach(f -> f.complete(null));
    }

    int count() {
        return active.size();
    }

    boolean stopping() {
        return stopping;
    }

    /** Completes when no session is open. */
    CompletableFuture<Void> whenIdle() {
        CompletableFuture<Void> idle = new CompletableFuture<>();
        synchronized (active) {
            if (!active.isEmpty()) {
                idleWaiters.add(idle);
                return idle;
            }
        }
        idle.complete(null);
        return idle;
    }

    /** Refuses upgrades from now on. */
    void stopAccepting() {
        stopping = true;
    }

    /** Closes every open session with 1001 and waits up to {@code grace} for their close handshakes. */
    void closeAll(Duration grace) {
        for (Live s : active) {
            try {
                s.closeByProxy(1001, "Sockscope is shutting down", "proxy shut down while the session was open");
            } catch (RuntimeException e) {
                LOG.warn("closing a session on shutdown: {}", e.toString()); // the others still get their 1001
            }
        }
        long deadline = System.nanoTime() + grace.toNanos();
        while (!active.isEmpty() && System.nanoTime() < deadline) {
            synchronized (active) {
                try {
                    active.wait(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        if (!active.isEmpty()) {
            LOG.warn("{} sessions did not finish their close handshake within {}", active.size(), grace);
        }
    }
}
