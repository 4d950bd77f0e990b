package dev.sockscope.proxy;

import java.time.Duration;
import java.util.List;

/** A running proxy: one listen address per route, every session published to the capture bus. */
public interface Relay extends AutoCloseable {

    /** The routes as bound (a route asked for port 0 shows the port it got). */
    List<Route> boundRoutes();

    /** The forward proxy's listen address as sessions record it ({@code forward 127.0.0.1:8080}), if it runs. */
    java.util.Optional<String> forwardListen();

    /** Where this relay's sessions ask what to do with each message while intercepting (breakpoints, held messages). */
    dev.sockscope.proxy.intercept.InterceptPoint intercept();

    /**
     * Sends a message of the user's into the open session {@code sessionId}, to the receiver of {@code to}
     * ({@code CLIENT_TO_SERVER}: to the upstream). Completes with the seq it was recorded as (-1 for a close), or fails
     * when the session is not open here.
     */
    java.util.concurrent.CompletableFuture<Long> send(long sessionId, dev.sockscope.wire.Direction to,
                                                     dev.sockscope.proxy.intercept.Injection what);

    /** Sessions currently open. */
    int activeSessions();

    /** Completes when no session is open: now, if none is, or when the last open one has published its end. */
    java.util.concurrent.CompletableFuture<Void> whenIdle();

    /**
     * Stops accepting, closes every open session with 1001 on both sides, waits up to {@code grace} for
     * the close handshakes, then stops. Published events are the bus's to flush.
     */
    void stop(Duration grace);

    @Override
    default void close() {
        stop(Duration.ofSeconds(5));
    }
}
